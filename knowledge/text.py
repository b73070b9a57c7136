"""Chinese text normalisation and the small text tools matching needs.

normalise(): NFKC (full width to half width), traditional to simplified (OpenCC t2s), lower
case, emoji and punctuation to spaces, spaces between Chinese characters removed, polite
fillers dropped. rapidfuzz applies no processor by default, so everything that is scored is
passed through here first.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style
from pypinyin import pinyin as pinyin_lib

_T2S = opencc.OpenCC("t2s")
# what makes a clause a question: a question word, 吗/呢, or a yes-no ending (有电话没, 去不)
A_NOT_A = r"([\u4e00-\u9fff])不\1"      # 会不会, 要不要: a question by its form
ASKS = re.compile(rf"什么|哪|谁|吗|多少|几|怎么|如何|是否|是不是|有没有|有没|能不能|啥|呢|干嘛|为什么|多[大久长远高]|没有?$|不$|[?？]|{A_NOT_A}")
_INDEFINITE = re.compile(r"没|不")


def asks(clause: str) -> bool:
    """Whether a clause asks; 什么 after a negation (没加入什么联盟: not any union) and a question word
    before 也/都 (谁也不认识谁, 什么都不懂) are indefinite."""
    return any(not (m.group(0) == "什么" and _INDEFINITE.search(clause, max(0, m.start() - 4), m.start()) or
                    clause.startswith(("也", "都"), m.end()) or m.group(0) == "谁" and "谁也" in clause)
               for m in ASKS.finditer(clause))


# an English question word (what's and which both)
ENGLISH_ASKS = re.compile(r"(?i)\b(?:how|what|which|who|whom|whose|where|when|why)(?:'?s)?\b")
# a mobile phone asked for, not one used (不会用智能手机, 刷手机)
MOBILE = r"(?<!智能)(?<!用)(?<!玩)(?<!刷)(?<!看)(?<!换)(?<!修)手机(?!游戏|上网|刷)"
# the people a resident speaks of (a relative's home is not the resident's; 我孙子…: a remark)
RELATIVES = (r"外婆|外公|奶奶|爷爷|姥姥|姥爷|老爸|老妈|爸爸?|妈妈?|父亲|母亲|父母|爸妈|公公|婆婆|岳父|岳母|丈母娘|"
             r"老人家?|亲戚|朋友|同事|同学|闺蜜|女儿|闺女|儿子|孩子|娃|姐姐?|妹妹?|哥哥?|弟弟?|舅舅|舅妈|姑姑|姑妈|"
             r"姨妈|大姨|小姨|婶婶|阿姨|叔叔|伯伯|表[哥姐弟妹]|堂[哥姐弟妹]|孙子|孙女|外孙女?|女婿|儿媳|老公|老婆|家人|"
             r"老头子?|老太太?")
# words pointing back at a community said before (这个社区, 该社区)
COMMUNITY_POINTERS = r"该社区|这个社区|那个社区|这社区|那社区"
WH_ASK = re.compile(r"什么|啥|哪|谁|几|多少|怎么|如何")   # a question word asking which or what, not whether
AIM_ASKED = re.compile(r"理念|宗旨|口号")   # a community's aim asked (服务理念是怎么说的, 讲究啥理念)
# a question checking a claim or guess (…是吴民丽，对吧; 真的假的; “时间盒子”是给上班族的吗); in the
# compacted text the closing 吧 is gone, so 是吴民丽，对吧 ends in 对
CLAIM = re.compile(r"吧$|吗$|对不对|是不是|对吧|没错吧|明明|是吗|不是吗|难道|是否|真的假的|到底|(?:对|没错|是|没记错)$")
# the roles a community's people hold, as residents name them (书记是谁, 这位负责人觉得…)
ROLES = r"书记|主任|负责人|当家人|队长"
ROLE = re.compile(ROLES)
# where the clauses of a message end
CLAUSE_ENDS = re.compile(r"[，,。；;！!？?\n]+")
_KEEP = re.compile(r"[^0-9a-z\u4e00-\u9fff+%°.·#]+")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_FILLERS = re.compile(r"^(请问一下|请问|麻烦问一下|麻烦问下|麻烦你|麻烦|我想问一下|我想问下|我想问|想问一下|想问下|问一下|问下|"
                      r"我想知道|想知道|你知道|你好|您好|帮我查一下|帮我查查|帮我查|帮我看看|那个(?!社区|项目|地方|队|活动)|嗯+|呃+|"
                      r"那么?(?=我|咱|你))+")
# (那个 is a spoken pause, but 那个社区 points at the last one: 那个社区组建了哪些队伍)
# (吧 ends a word in 网吧, 酒吧, 书吧: no particle there)
_TRAILING = re.compile(r"(?:来着|[啊呀呢哦嘛啦哈哇噢]|(?<![网酒书氧茶贴])吧)+$")   # (…是啥来着: what was it again)
# spoken forms of what the articles write (头一个 for 首个, 头一批 for 首批)
_SPOKEN = re.compile(r"头一(个|家|回|次|批|届|位)")
_WRITTEN = {"个": "首个", "家": "首家", "回": "首次", "次": "首次", "批": "首批", "届": "首届", "位": "首位"}
# sq: how residents type 社区 (she qu) in a hurry (后大街sq)
_SQ = re.compile(r"(?<![a-z])sq(?![a-z])")
_VERSUS = re.compile(r"\s*(?<![a-z])(?:vs|v\.s)\.?(?![a-z])\s*")   # (凌霄 vs 丹顶鹤: the two compared, as with 和)
# 设区, 社去, 社曲: an input method's other words for she qu (品质设区, 福城社去); 建设区, 设区的市
# are left alone. 书计, 书纪 for shu ji (书籍, books, is a word of its own and stays).
_SHEQU_MISTYPED = re.compile(r"(?<![建假预开增])设区(?!的市|市)|(?<![报公行])社[去曲趋渠]")
_SHUJI_MISTYPED = re.compile(r"书[计纪]")
# 多扫人, 多烧个: 多少 typed by its sound (shao) one key off
_DUOSHAO_MISTYPED = re.compile(r"多[扫烧稍哨](?=[人个钱岁年次户名位家口支项]|$)")
_SPOKEN_BREAK = re.compile(r"(?:[啊呀嘛啦哈哇噢]|(?<![网酒书氧茶贴])吧)+(?=\s)|(?<=\s)(?:就是说|就是|然后|那个|嗯+|呃+)")
_STANDARD = {"咋": "怎么", "俺们": "我们", "俺": "我", "咱们": "我们", "咱": "我们",
             # Ningbo and Shanghai speech (啥辰光上课, 阿拉小区, 侬晓得伐): 小人 is a child there
             # (屋里 is left alone: 书屋里 is inside a reading room)
             "啥辰光": "什么时候", "辰光": "时候", "阿拉": "我们", "侬": "你", "小人": "孩子",
             # northern 整 for doing (都整些啥, 整点活动), never 整个 or 整理
             "整些": "搞些", "整啥": "搞啥", "整点": "搞点", "整了": "搞了", "整的": "搞的", "整出": "搞出"}
_DIALECT = re.compile("|".join(("(?<![调修完规平工齐统严休重健归])" if w[0] == "整" else "") + w + ("(?!书)" if w == "小人" else "")
                               for w in sorted(_STANDARD, key=len, reverse=True)))  # (小人书, 调整些)
_DIALECT_MARKS = re.compile("[咋俺咱侬伐]|辰光|阿拉|小人|整[些啥点了的出]")
_WU_ASKS = re.compile(r"伐(?=[\s？?。!！，,]*$|[，,？?])")     # (有联系电话伐: 吗)
# Cantonese written as it is spoken (记者系边个, 有冇, 喺边度), after traditional characters are
# simplified: the Mandarin words the rest of the bot reads. No library turns one into the other.
_CANTONESE = [(re.compile(p), r) for p, r in (
    (r"边个(?=社区|村|街道|区|镇|地方|项目|队|会|平台)", "哪个"), (r"边个", "谁"), (r"失咗业", "失业"), (r"搵", "找"), (r"边度|边处", "哪里"), (r"边啲", "哪些"), (r"边(?=[几条年间位区个样种家])", "哪"),
    (r"即系", "就是"), (r"唔系", "不是"), (r"系咪", "是不是"), (r"有冇", "有没有"), (r"冇", "没有"),
    (r"(?<=[我你佢都就仲])系|系(?=[边乜咩几谁哪])|(?<=[嗰𠮶那呢]个)系", "是"),
    (r"乜嘢|乜|咩", "什么"), (r"嘅", "的"), (r"喺", "在"), (r"[嗰𠮶]度", "那里"), (r"[嗰𠮶]", "那"),
    (r"咁(?=那)", ""), (r"咁", "那么"),
    # 嗌交 is a quarrel, however it is split (嗌咗几次交: 吵了几次架); 成日 always; 帮手 helping
    (r"嗌(咗)?([几两一二三四五六七八九十]次|几回|过)?交", lambda m: "吵" + ("了" if m.group(1) else "") + (m.group(2) or "") + "架"),
    (r"成日", "经常"), (r"帮手", "帮忙"),
    (r"佢哋", "他们"), (r"佢", "他"), (r"哋", "们"), (r"啲", "些"), (r"唔", "不"), (r"咗", "了"),
    (r"攞", "拿"), (r"点样", "怎样"), (r"几多", "多少"), (r"几钱|几多钱", "多少钱"), (r"屋企", "家"), (r"入面", "里面"), (r"咭", "卡"),
    (r"[㗎喎啩嘞]", ""), (r"嚟(?=[？?。！!，,\s]|$)", ""), (r"嚟", "来"))]
_CANTONESE_MARKS = re.compile(r"[嘅喺咩乜嗰𠮶冇佢哋啲唔咗攞㗎喎咭嗌]|边个|边度|边啲|系边|几多|点样|几钱|成日|帮手|搵|嚟")
# formal written Chinese (…的负责人为何人, 其所属街道为何, 成立于何时, 本人所问为…, 应为…): the
# everyday words the rest of the bot reads
_FORMAL = [(re.compile(p), r) for p, r in (
    (r"为何人|系何人|是何人|何人", "是谁"), (r"为何(?=[？?。.]|$)", "是什么"), (r"何时", "什么时候"),
    (r"何处|何地", "哪里"), (r"何种", "什么"), (r"其(?=所属|所在|负责|书记|主任|成立|位于|街道|区县)", "它的"),
    (r"本人所问为|本人所问的是|所问为", "我问的是"), (r"应为", "应该是"), (r"为多少", "是多少"),
    (r"之(?=品牌|项目|特色|名称|做法|功能|理念|宗旨|口号|负责人)", "的"),
    (r"^其(?=在|曾|说|提|认为|表示|介绍|谈|讲)", "他"))]   # (书记系何人？→ 其在访谈中提及…: he or she)
_FORMAL_MARKS = re.compile(r"何人|为何|何时|何处|何地|何种|其所|其负责|所问为|应为|为多少|之(?=品牌|项目|特色|名称|做法|功能|理念|宗旨|口号|负责人)|^其(?=在|曾|说|提|认为|表示|介绍|谈|讲)")
# 我们这 (said for 我们这里): where the resident lives, not a 这 left over as something asked
_OUR_HERE = re.compile(r"(我们|我家)这(?![个里边儿些么样种])")
_DOTS = re.compile(r"(?<![0-9])\.|\.(?![0-9])")


# punctuation said aloud and left in by dictation (…闹得挺僵的逗号听说…问号)
_DICTATED = {"逗号": "，", "句号": "。", "问号": "？", "感叹号": "！", "顿号": "、"}
_DICTATED_MARKS = re.compile("|".join(_DICTATED))


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """Traditional characters as simplified ones, Cantonese words as Mandarin ones, punctuation said
    aloud as marks; nothing else changed (海創社區，啊不對 → 海创社区，啊不对; 唔係 → 不是)."""
    t = _T2S.convert(text)
    t = _DICTATED_MARKS.sub(lambda m: _DICTATED[m.group(0)], t) if "号" in t else t
    if _CANTONESE_MARKS.search(t):
        for pattern, mandarin in _CANTONESE:
            t = pattern.sub(mandarin, t)
    return t


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    t = _T2S.convert(t).lower()
    t = _DICTATED_MARKS.sub(lambda m: _DICTATED[m.group(0)], t) if "号" in t else t
    if _FORMAL_MARKS.search(t):
        for pattern, everyday in _FORMAL:
            t = pattern.sub(everyday, t)
    if _CANTONESE_MARKS.search(t):
        for pattern, mandarin in _CANTONESE:
            t = pattern.sub(mandarin, t)
    t = _SQ.sub("社区", t) if "sq" in t else t
    t = _VERSUS.sub("和", t) if "v" in t else t
    t = _SHEQU_MISTYPED.sub("社区", t) if "设区" in t or "社" in t else t
    t = _SHUJI_MISTYPED.sub("书记", t) if "书" in t else t
    t = _DUOSHAO_MISTYPED.sub("多少", t) if "多" in t else t
    t = t.replace("、", "和")  # an enumeration comma joins names like 和 (学弄、学苑、虞波), not a clause break
    if _DIALECT_MARKS.search(t):   # spoken, northern and Wu forms: 咋 for 怎么, 俺/咱 for 我/我们, 伐 for 吗
        t = _DIALECT.sub(lambda m: _STANDARD[m.group(0)], t)
        t = _WU_ASKS.sub("吗", t)
    t = _OUR_HERE.sub(r"\1这里", t) if "这" in t else t
    t = _KEEP.sub(" ", t)
    t = _DOTS.sub(" ", t)
    t = _SPOKEN_BREAK.sub(" ", t)   # 唱的是啥歌啊 就是记者们…: the particle and filler of a spoken pause
    t = _CJK_SPACE.sub("", t).strip()
    t = re.sub(r"\s+", " ", t)
    t = _FILLERS.sub("", t)
    t = _TRAILING.sub("", t).strip()
    return _SPOKEN.sub(lambda m: _WRITTEN[m.group(1)], t) if "头一" in t else t


_DIGIT_OF = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


def chinese_number(said: str) -> int:
    """13, 十三, 二十, 两 -> the number (0 when it is none): how places and rounds are said."""
    if said.isdigit():
        return int(said)
    if "十" in said:
        tens, _, ones = said.partition("十")
        return (_DIGIT_OF.get(tens, 0) if tens else 1) * 10 + (_DIGIT_OF.get(ones, 0) if ones else 0)
    return _DIGIT_OF.get(said, 0) if len(said) == 1 else 0


def compact(text: str) -> str:
    """Normalised and without spaces: the form names are matched in."""
    return normalise(text).replace(" ", "")


def bigrams(text: str) -> set[str]:
    t = text.replace(" ", "")
    if len(t) < 2:
        return {t} if t else set()
    return {t[i:i + 2] for i in range(len(t) - 1)}


@lru_cache(maxsize=65536)
def text_bigrams(text: str) -> frozenset[str]:
    """bigrams(compact(text)), memoised: the same knowledge texts are scored for every question."""
    return frozenset(bigrams(compact(text)))


@lru_cache(maxsize=65536)
def compact_cached(text: str) -> str:
    """compact() of a knowledge text (keywords, roles), memoised for the same reason."""
    return compact(text)


@lru_cache(maxsize=16384)
def char_pinyin(ch: str) -> frozenset[str]:
    """Every toneless reading of one character (polyphones: 都 is du and dou)."""
    if not "\u4e00" <= ch <= "\u9fff":
        return frozenset((ch,))
    return frozenset(pinyin_lib(ch, style=Style.NORMAL, heteronym=True)[0])


# a one-character end of a community's name (梧桐湾, 翠竹园, 幸福里): jieba often cuts it off
NAME_ENDS = frozenset("湾园苑里坊庄城湖山桥港岸府邸居亭塘海江河门街巷路营屯堡寨坝洲岛畈浦弄")


def pinyin(text: str) -> tuple[frozenset[str], ...]:
    return tuple(char_pinyin(ch) for ch in text)


# sounds residents and voice input confuse: the fuzzy-pinyin pairs of input methods, and aspiration
_NEAR_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("p", "b"), ("t", "d"), ("k", "g"), ("n", "l"), ("h", "f"))
_NEAR_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=16384)
def near_readings(ch: str) -> frozenset[str]:
    """One character's readings with confusable sounds folded together (坡 po and 波 bo both read bo)."""
    folded = set()
    for r in char_pinyin(ch):
        for a, b in _NEAR_INITIALS:
            if r.startswith(a):
                r = b + r[len(a):]
                break
        for a, b in _NEAR_FINALS:
            if r.endswith(a):
                r = r[:-len(a)] + b
                break
        folded.add(r)
    return frozenset(folded)


def sounds_near(a: str, b: str) -> bool:
    """Two characters a resident may write for each other by sound."""
    return a == b or bool(near_readings(a) & near_readings(b))


@lru_cache(maxsize=16384)
def char_tones(ch: str) -> frozenset[str]:
    """Every reading of one character with its tone (浒: hu3 and xu3; 湖: hu2)."""
    if not "\u4e00" <= ch <= "\u9fff":
        return frozenset((ch,))
    return frozenset(pinyin_lib(ch, style=Style.TONE3, heteronym=True)[0])


def same_tones(a: str, b: str) -> bool:
    """Two texts of one length whose characters share a reading, tones included (湖溪 and 湖西, not 浒西)."""
    return len(a) == len(b) and all(x == y or char_tones(x) & char_tones(y) for x, y in zip(a, b))


@lru_cache(maxsize=65536)
def main_reading(ch: str) -> str:
    """The everyday toneless reading of one character (园: yuan, though it is read wan in a rare word)."""
    return pinyin_lib(ch, style=Style.NORMAL)[0][0] if "\u4e00" <= ch <= "\u9fff" else ch


def same_main_readings(a: str, b: str) -> bool:
    """Two texts of one length that sound alike by their characters' everyday readings (幸福园 and
    幸福苑, not 幸福湾: 园 sounds wan only in a rare word)."""
    return len(a) == len(b) and all(x == y or main_reading(x) == main_reading(y) for x, y in zip(a, b))


def sounds_alike(a: tuple[frozenset[str], ...], b: tuple[frozenset[str], ...]) -> bool:
    """Same length and every character shares a reading."""
    return len(a) == len(b) and all(x & y for x, y in zip(a, b))
