"""Clients for the systems Piper reads and writes: git, GitHub, Slack, Notion, LLM providers.

Each integration imports its heavy dependencies lazily, so importing this
package costs nothing.
"""
