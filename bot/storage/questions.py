"""The question log: every message a resident sends, with how the bot understood and answered it.

Operators read it to see what residents ask that the bot cannot answer. Rows are written behind
(`WriteBehind`). Outcomes:
  answered      a real answer (knowledge, announcements, small talk);
  unanswered    the fallback, or an answer that says the knowledge lacks what was asked;
  clarify       the bot asked back (which community? where do you live?) — becomes `clarified`
                when the resident's next message settles it;
  control       confirmations, choices, 更多 and the like: steering, not questions.
The "unanswered" view is `unanswered` plus `clarify` never settled."""
from __future__ import annotations

import time

import sqlite_utils
from sqlite_utils import Migrations

from bot.storage.batch import WriteBehind
from bot.storage.residents import openid_hash

MIGRATIONS = Migrations("questions")
OUTCOMES = ("answered", "unanswered", "clarify", "clarified", "control")


@MIGRATIONS()
def m001_questions(db: sqlite_utils.Database) -> None:
    if not db["questions"].exists():
        db["questions"].create({"id": int, "at": float, "user": str, "text": str, "intent": str,
                                "entities": str, "confidence": float, "answered": int}, pk="id")


@MIGRATIONS()
def m002_channel_runner_up_outcome(db: sqlite_utils.Database) -> None:
    """Every message is logged, not only resident questions: which channel, the runner-up intent
    and the outcome. The partial index holds only what operators look for."""
    for column in ("channel", "runner_up", "outcome"):
        db["questions"].add_column(column, str)
    db.execute("update questions set channel = 'wechat', outcome = case when answered = 1 then 'answered' "
               "else 'unanswered' end")
    db.execute("drop index if exists idx_questions_answered")
    db.execute("drop index if exists questions_unanswered")
    db.execute("create index questions_open on questions (id) where outcome in ('unanswered', 'clarify')")


class QuestionLog:
    def __init__(self, db: sqlite_utils.Database, writes: WriteBehind) -> None:
        self.db, self.writes = db, writes
        self._rows: list[tuple] = []
        self._settled: list[tuple] = []
        MIGRATIONS.apply(db)
        writes.register(self._write)

    def log(self, openid: str, text: str, *, channel: str, intent: str, runner_up: str, confidence: float,
            outcome: str, entities: str = "{}") -> None:
        """Queue one message for the next batch."""
        at = time.time()   # confidence to three places by arithmetic: round() prints and re-reads the float
        self._rows.append((at, openid_hash(openid), text[:500], intent, entities, int(confidence * 1000 + 0.5) / 1000,
                           int(outcome in ("answered", "control")), channel, runner_up, outcome))
        self.writes.queued(len(self._rows))
        return at

    def settle(self, openid: str) -> None:
        """The resident's latest clarification was answered by their next message."""
        self._settled.append((openid_hash(openid),))
        self.writes.queued(len(self._settled))

    def flush(self) -> None:
        self.writes.flush()

    def _write(self) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            self.db.conn.executemany(
                "insert into questions (at, user, text, intent, entities, confidence, answered, channel, runner_up, "
                "outcome) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if self._settled:
            settled, self._settled = self._settled, []
            self.db.conn.executemany("update questions set outcome = 'clarified', answered = 1 where id = "
                                     "(select max(id) from questions where user = ? and outcome = 'clarify')", settled)

    def recent(self, limit: int = 50, only_open: bool = True) -> list[dict]:
        """Newest first; `only_open`: what the bot could not answer (see the module docstring)."""
        self.writes.flush()
        where = "where outcome in ('unanswered', 'clarify')" if only_open else ""
        return list(self.db.query(f"select at, channel, text, intent, runner_up, confidence, answered, outcome from questions "
                                  f"{where} order by id desc limit ?", [limit]))
