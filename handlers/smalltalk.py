"""Greetings, thanks, help and "what can you do"; the menu's help button lands here too."""
from __future__ import annotations

import re

from bot.conversation.message import Message, Reply
from bot.conversation.router import Router

router = Router("smalltalk")

GREETING = re.compile(r"^(你好|您好|嗨|哈喽|hello|hi|hey|在吗|在不在|早上好|上午好|中午好|下午好|晚上好|早安|晚安)[呀啊吗哇!！~。.,，]*$", re.I)
THANKS = re.compile(r"^(谢谢|感谢|多谢|谢了|谢啦|thanks|thank you|thx|好的谢谢|知道了谢谢)[你您呀啊了啦!！~。.,，]*$", re.I)
HELP = re.compile(r"^(帮助|help|菜单|功能|\?|？|怎么用|使用说明|你能做什么|你会什么|你能干什么|你可以做什么|你能帮我做什么|能做什么|有什么功能|"
                  r"你是谁|你叫什么|你叫什么名字|你是什么|你是机器人吗|你是人吗)[呀啊吗呢?？!！。]*$", re.I)
BYE = re.compile(r"^(再见|拜拜|拜|bye|晚安|下次聊|先这样)[了啦吧呀啊!！~。.]*$", re.I)
ACK = re.compile(r"^(好的|好|好吧|嗯|嗯嗯|哦|噢|ok|okay|行|知道了|明白了|收到|了解)[了啦吧呀啊哈!！~。.]*$", re.I)


# intent -> pattern, tried in this order
INTENTS = {"greeting": GREETING, "thanks": THANKS, "bye": BYE, "acknowledge": ACK, "help": HELP}


def _smalltalk(msg: Message, ctx: dict) -> str:
    """Which small-talk intent the text is ("" for none), worked out once per message and
    shared through the dispatch context, so the five handlers do not each try every pattern."""
    intent = ctx.get("smalltalk")
    if intent is None:
        text = msg.text.strip()
        intent = ctx["smalltalk"] = next((name for name, p in INTENTS.items() if p.match(text)), "")
    return intent


def _is(name: str):
    return lambda msg, deps, ctx: _smalltalk(msg, ctx) == name


def _examples(deps) -> tuple[str, ...]:
    return deps.knowledge.example_questions() if deps.knowledge else ()


@router.message(_is("greeting"), score=0.9)
async def greeting(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("greeting", examples=_examples(deps)))


@router.message(_is("thanks"), score=0.9)
async def thanks(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("thanks"))


@router.message(_is("bye"), score=0.9)
async def bye(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("bye"))


@router.message(_is("acknowledge"), score=0.9)
async def acknowledge(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("acknowledge"))


@router.message(_is("help"), score=0.9)
async def help_text(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("help", examples=_examples(deps)))


@router.event("click", filters=(lambda msg, deps, ctx: msg.event_key.upper() == "MENU_HELP",))
async def help_menu(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("help", examples=_examples(deps)))
