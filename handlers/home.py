"""`我住在哪个社区` / `我是哪个社区的`: the community the bot remembers for the resident.

A resident who told the bot where they live (or was corrected, or moved) may ask what it kept;
the answer is what is stored, and how to change it — never a guess. Any other text naming a
community goes to `ask` (`我住在X社区` binds, `X社区在哪` answers)."""
from __future__ import annotations

import re

from bot.conversation.message import Message, Reply
from bot.conversation.router import Router

router = Router("home")

HOME_ASKED = re.compile(
    r"^(?:请问|那|那么)?(?:我|我们|我家|我们家|俺|俺家)(?:现在|目前|如今)?"
    r"(?:住在?|登记的?是?|是|在|属于|归)(?:的是)?(?:哪个|哪一个|哪|什么|啥)社区(?:的)?(?:来着)?"
    r"|^(?:请问)?(?:你|您)(?:记的|记下的|记住的|登记的)(?:我|我的)?(?:是|住)?(?:哪个|哪一个|什么|啥)社区")
_END = re.compile(r"[呀啊呢吗嘛哦啦？?。.!！\s]*$")


def _asks_home(msg: Message, deps, ctx) -> bool:
    text = _END.sub("", msg.text.strip())
    return 0 < len(text) <= 20 and HOME_ASKED.fullmatch(text) is not None


@router.message(_asks_home, score=0.9)
async def home(msg: Message, deps, state) -> Reply:
    community = deps.knowledge.community(state.community_id) if state.community_id and deps.knowledge else None
    if community is None:
        return Reply(deps.templates.render("home_unknown"), intent="home", outcome="answered",
                     reads_topic=False)
    return Reply(deps.templates.render("home_known", community=community), intent="home",
                 reads_topic=False)
