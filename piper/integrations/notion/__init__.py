"""Notion: publish markdown as pages and search pages, over Notion's REST API with httpx.

Import the submodules directly (``publish``, ``search``, ``client``). This
package's ``__init__`` imports nothing, so that ``piper.config`` can check a
page ID with :mod:`piper.integrations.notion.ids` without importing httpx.
"""
