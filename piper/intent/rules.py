"""Rules for phrasings that need no model: a bare greeting, "help", "close #42", "add a todo to ...".

Each rule is an anchored regular expression over the normalised message, so
a rule either matches the whole request shape or not at all. Ambiguous text
falls through to the embedding classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from piper.domain.intent import Action


@dataclass(frozen=True)
class Rule:
    action: Action
    pattern: re.Pattern[str]
    confidence: float = 0.99


def _rule(action: Action, pattern: str, confidence: float = 0.99) -> Rule:
    return Rule(action, re.compile(pattern, re.IGNORECASE), confidence)


# Trailing punctuation, an emoticon such as :) or :D, and "piper" may follow a short phrase.
_END = r"\s*[!.?,;-]*\s*(?:piper)?\s*[!.?,;-]*\s*(?:[:;]-?[)(DPp]\s*)?[!.?]*\s*$"
_ISSUE_REF = r"(?:#\d+|(?:issue|ticket|bug)\s+#?\d+)"
_DOCUMENT_FILE = r"[\w~./-]*\.(?:md|markdown|txt|pdf|docx?|rst|html?|csv)\b"

RULES: tuple[Rule, ...] = (
    # Conversation: the whole message is the greeting, farewell or thanks.
    _rule(Action.GREETING, r"^(?:hi|hello|hey|hiya|howdy|yo|heya|greetings|sup|hi there|hello there|hey there|"
          r"good (?:morning|afternoon|evening|day)|morning|afternoon|evening)" + _END),
    _rule(Action.FAREWELL, r"^(?:bye|goodbye|good bye|bye bye|see (?:you|ya)(?: later| tomorrow| soon)?|"
          r"good night|goodnight|later|cya|ttyl|catch you later|talk (?:to you )?(?:later|soon|tomorrow))" + _END),
    _rule(Action.THANKS, r"^(?:(?:ok(?:ay)?|great|perfect|awesome|cool|nice|brilliant)[,!. ]+)?"
          r"(?:thanks|thank you|thank u|thx|ty|tysm|cheers|much appreciated|appreciate it)"
          r"(?: (?:so much|a lot|a bunch|very much))?" + _END),
    _rule(Action.GET_CAPABILITIES, r"^(?:help|\?|what can you do|what do you do|commands)" + _END),
    _rule(Action.GET_IDENTITY, r"^(?:who are you|what are you|what is your name|what's your name)" + _END),
    _rule(Action.GET_CURRENT_TIME, r"^(?:what time is it|what's the time|what is the time|"
          r"what(?:'s| is) (?:the date|today's date)(?: today)?|what day is (?:it|today))" + _END),
    _rule(Action.GET_STANDUP, r"^(?:standup|stand-up|stand up|my standup|daily standup)" + _END),
    _rule(Action.LIST_TODOS, r"^(?:(?:show|list)\s+(?:my\s+)?)?(?:todos|to-dos|todo list|my todos|my tasks)" + _END),
    _rule(Action.LIST_PROJECTS, r"^(?:(?:show|list)\s+(?:my\s+|all\s+)?)?projects" + _END),

    # A verb and an issue reference: the reference makes the target unambiguous.
    _rule(Action.CLOSE_ISSUE, r"^(?:please\s+)?(?:close|resolve)\s+(?:out\s+)?" + _ISSUE_REF + r"\b"),
    _rule(Action.COMMENT_ISSUE, r"^(?:please\s+)?(?:comment|reply)\s+(?:on|to)\s+" + _ISSUE_REF + r"\b"),
    _rule(Action.ANALYZE_ISSUE, r"^(?:please\s+)?(?:analy[sz]e|investigate)\s+" + _ISSUE_REF + r"\b"),
    _rule(Action.UPDATE_ISSUE, r"^(?:please\s+)?(?:update|edit|relabel|retitle)\s+" + _ISSUE_REF + r"\b"),
    _rule(Action.GET_ISSUE, r"^(?:show(?: me)?|open|get|view|pull up|look up)\s+" + _ISSUE_REF + _END),

    # Explicit todo commands.
    _rule(Action.CREATE_TODO, r"^(?:please\s+)?(?:add|create|make|new)\s+(?:a\s+|an\s+)?(?:new\s+)?"
          r"(?:(?:high|low|medium|urgent)(?:[- ]priority)?\s+)?(?:todo|to-do)\b(?!\s+list\b)(?!s\b)"),
    _rule(Action.CREATE_TODO, r"^(?:todo|to-do|new todo)\s*:\s*\S"),
    _rule(Action.CREATE_TODO, r"^remind me to\s+\S"),

    # A verb and a document file name: the file extension makes the target unambiguous, where the
    # embedding alone read "analyze docs/sales.csv" as a request about commits.
    _rule(Action.SUMMARIZE_DOCUMENT, r"^(?:please\s+)?(?:summari[sz]e|sum up|recap|condense|tl;?dr)\s+(?:(?:the|my|this)\s+)?" + _DOCUMENT_FILE),
    _rule(Action.ANALYZE_DOCUMENT, r"^(?:please\s+)?(?:analy[sz]e|profile|describe|break down)\s+(?:(?:the|my|this)\s+)?" + _DOCUMENT_FILE),
    _rule(Action.PUBLISH_DOCUMENT, r"^(?:please\s+)?(?:publish|push|upload)\s+(?:(?:the|my|this)\s+)?" + _DOCUMENT_FILE),

    # A post that names its channel before a colon is unambiguous, and a long message after the colon dilutes the embedding.
    _rule(Action.POST_MESSAGE, r"^(?:please\s+)?(?:post|send|share|slack)\s+(?:a\s+message\s+|this\s+)?(?:(?:to|in|on)\s+)?"
          r"(?:#[a-z][a-z0-9_-]*|slack)\s*:\s*\S"),
)


def match_rules(text: str) -> Rule | None:
    """Return the first rule whose pattern matches the normalised text, or None."""
    for rule in RULES:
        if rule.pattern.search(text):
            return rule
    return None
