"""Slack: posting mrkdwn messages to channels with slack-sdk's AsyncWebClient.

``client`` talks to the Web API, ``retry`` decides which failed requests
are sent again, and ``mrkdwn`` converts markdown and splits long text.
"""
