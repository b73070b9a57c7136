"""What handlers may use: templates, resident state, the question log, the knowledge engine,
the staff register and the announcements' outbox.

Handlers get this object and a plain Message; they never see aiohttp or WeChat's wire format.
`knowledge` is replaced as a whole on reload, so a bad knowledge file never half-updates it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.conversation.answers import ReplyCache
from bot.conversation.templates import Templates
from bot.storage.questions import QuestionLog
from bot.storage.residents import ResidentStates


@dataclass
class Dependencies:
    templates: Templates
    residents: ResidentStates
    questions: QuestionLog
    knowledge: Any = None        # knowledge.engine.Engine
    staff: Any = None            # bot.announcements.staff.StaffStore
    outbox: Any = None           # announcements and their delivery rows (bot.announcements.outbox.Outbox)
    announcements: Any = None    # announcement use cases (bot.announcements.service.Announcements)
    reply_cache: ReplyCache = field(default_factory=ReplyCache)
    keywords: Any = None         # operators' keyword replies (bot.admin.keywords.KeywordReplies)

    def flush(self) -> None:
        """Write what is waiting to be written (at shutdown, after a terminal command)."""
        self.residents.flush()
        self.questions.flush()
