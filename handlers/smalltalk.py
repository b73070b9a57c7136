"""Greetings, thanks, goodbyes, acknowledgements, help and "what can you do", and chit-chat the
assistant does not do (讲个笑话: said kindly, never answered from the knowledge); the menu's help
button lands here too. One handler for all of them: the message is matched once against the
patterns (said in full, nothing else in the message), and the intent picks the template."""
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

# chit-chat a community assistant does not do (你吃饭了没, 讲个笑话): said so kindly, with what it does do
_CHAT_PART = (r"(?:你|您)?吃(?:饭|过|了饭)?了?(?:没|吗|么|没有)|(?:给我|跟我|陪我)?(?:讲|说)个?(?:笑话|故事)(?:呗|吧|听听?)?|"
              r"(?:给我|陪我)?(?:唱|来)首歌(?:呗|吧)?|陪我聊(?:聊|天|会儿)?(?:呗|吧)?|(?:你|您)(?:几岁|多大)了?|"
              r"(?:我|今天|现在|最近)*(?:好|真|有点|太)?无聊(?:死了)?|(?:你好|您好|嗨|哈喽)(?:呀|啊)?|"
              r"(?:我|今天|最近)*心情(?:有点|不太|很|好)?(?:不好|低落|差|郁闷|烦)|陪我(?:随便)?聊聊?(?:天)?(?:吧|呗)?")
CHAT = re.compile(rf"^(?:{_CHAT_PART})(?:[\s，,。!！~?？呀啊呢]*(?:{_CHAT_PART}))*[\s，,。!！~?？呀啊呢]*$")

# intent -> pattern, tried in this order; the template of each intent has the intent's name
INTENTS = {"greeting": GREETING, "thanks": THANKS, "bye": BYE, "acknowledge": ACK, "help": HELP, "chitchat": CHAT}
# all of them as one pattern (tried in the same order), so a message is matched once, not five times
ANY_INTENT = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in INTENTS.items()), re.I)
WITH_EXAMPLES = ("greeting", "help")


def _intent(msg: Message, deps, ctx) -> bool | dict:
    text = msg.text.strip()
    if not text or len(text) > 24:
        return False
    found = ANY_INTENT.match(text)
    return {"intent": found.lastgroup} if found else False


def _reply(deps, intent: str) -> Reply:
    if intent in WITH_EXAMPLES:
        text = deps.templates.render_constant(intent, examples=deps.knowledge.example_questions() if deps.knowledge else ())
    else:
        text = deps.templates.render_constant(intent)
    return Reply(text, handler=f"smalltalk.{intent}", intent=f"smalltalk.{intent}", repeatable=True,
                 reads_topic=False, reads_community=False)


@router.message(_intent, score=0.9)
async def smalltalk(msg: Message, deps, state, intent: str) -> Reply:
    return _reply(deps, intent)


@router.event("click", filters=(lambda msg, deps, ctx: msg.event_key.upper() == "MENU_HELP",))
async def help_menu(msg: Message, deps, state) -> Reply:
    return Reply(_reply(deps, "help").text)
