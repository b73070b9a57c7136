"""What a question names that the knowledge does not hold: a place (杭州, 盐田区), a community (樱花社区),
a round of a list (第三届品质社区). Each is named in the honest "资料里没有…" instead of being
asked about or matched to something else; a list mention of a round the knowledge lacks is dropped.
"""
from __future__ import annotations

import re

from knowledge.english import PINYIN
from knowledge.matcher import EntityIndex, Mention
from knowledge.text import A_NOT_A, CLAUSE_ENDS, NAME_ENDS, chinese_number, compact

CLAUSE_BREAKS = re.compile(r"[\s，,。；;！!？?、：:（）()]+")   # quotes stay: “共建典范社区” is a title

# place-like words: 2-6 characters ending in a place suffix, minus common words that merely end so
# 旗 only as banners are named (鄂托克前旗, 正蓝旗), not 穿旗袍
# (Inner Mongolia's townships and villages: 宝力根苏木, 某某嘎查)
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,8}?)(特别行政区|自治区|开发区|街道|省|市|区|县|镇|苏木|嘎查|(?:前|后|中|左|右|联合|蓝|白|黄|红)旗)")
_NOT_PLACE = re.compile(r"(社|小|城|园|片|辖|景|山|街|市|郊|校|营|专)区$|(城|超|集|菜|夜|上|门|都)市$|(城|乡)镇$|哪|什么|啥|几|个|这|那|本|该|全(市|区|县|省)|外(省|市|区|县)$|我|你|他|她|从|是|项目|特色|来自|所在|所属")


# provinces and large cities residents name without 省/市 (杭州有哪些品质社区): places too, known or not
BARE_PLACES = re.compile(r"北京|上海|天津|重庆|杭州|广州|南京|苏州|武汉|成都|西安|长沙|郑州|济南|青岛|合肥|福州|厦门|"
                         r"沈阳|大连|哈尔滨|长春|昆明|贵阳|南宁|南昌|太原|石家庄|兰州|乌鲁木齐|拉萨|呼和浩特|银川|西宁|"
                         r"海口|三亚|温州|绍兴|嘉兴|湖州|金华|台州|舟山|丽水|衢州|无锡|常州|东莞|佛山|珠海|香港|澳门|台湾|"
                         r"浙江|江苏|广东|山东|河南|河北|湖南|湖北|四川|福建|安徽|江西|山西|陕西|辽宁|吉林|黑龙江|云南|贵州|"
                         r"广西|海南|甘肃|青海|宁夏|新疆|西藏|包头|赤峰|通辽|鄂尔多斯|乌海|锡林浩特|海拉尔|乌兰浩特|集宁|巴彦淖尔")


# what follows a city asked about (杭州有哪些…, 杭州今年有没有也搞…, 杭州也评…)
_ASKED_AFTER_PLACE = re.compile(r"[有的哪市区县省社那这招考读和与跟及也]|今年|今天|最近|现在|是不是|是否|去年")
_STREET = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:路|大街|大道|广场)")
# an institution of a place is asked about with its place (山东大学今年招多少人)
_INSTITUTIONS = ("大学", "学院", "医院", "政府", "机场", "博物馆", "图书馆", "电视台")


# a landmark named after an area the knowledge knows (深圳湾公园, 中山医院): the landmark itself it does not
LANDMARK = re.compile(r"([\u4e00-\u9fff]{2,4}?)(公园|医院|商场|机场|大桥|体育馆|体育中心|景区|火车站|高铁站|汽车站)")


# a national programme, platform or contest (中国志愿服务网, 大学生志愿服务西部计划, 全国…职业大赛): a
# matter of its own, which the articles never mention, whatever service word it holds
NATIONAL = re.compile(r"(?:中国|全国|国家|全省|大学生)[\u4e00-\u9fff]{1,12}?(?:网|计划|大赛|比赛|联赛|平台|工程|小程序)")


def _national(text: str, index: EntityIndex) -> list[str]:
    return [w.group(0) for w in NATIONAL.finditer(text) if w.group(0) not in index.said_text]


def _unknown_places(text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    unknown = [m.group(0) for m in LANDMARK.finditer(text)
               if any(k in ("community", "place") for k, _, _ in index.surfaces.forms.get(m.group(1), ()))]
    for m in BARE_PLACES.finditer(text):
        word = m.group(0)
        if any(mm.start <= m.start() < mm.end for mm in mentions) or any(p.startswith(word) for p in index.places):
            continue
        # asked about (杭州有哪些…, 想问问上海的社区), not told in passing (从湖南老家过来, 有广东的、四川的)
        # (问下杭州和成都的社区…: two places asked about together)
        # (杭州品质社区评了哪些, 上海垃圾分类…, 济南500辆公车…: a message opening with the city asks about it)
        if (m.start() == 0 or text[m.start() - 1] in "在去到问下和与跟及") and \
                (_ASKED_AFTER_PLACE.match(text, m.end()) or text.startswith(_INSTITUTIONS, m.end())
                 or m.start() == 0 and (text[m.end():m.end() + 1].isdigit() or
                                        any(mm.start == m.end() and mm.kind != "place" for mm in mentions))
                 or (sub := _PLACE.match(text, m.end())) and not sub.group(0).endswith("社区")  # (呼和浩特新城区)
                 or _STREET.match(text, m.end())):                                            # (济南泉城路)
            unknown.append(word)
    for m in _PLACE.finditer(text):
        if any(text[i:i + 1] in tuple("省市区县镇") for i in (m.end(), m.start(2) - 1, m.start())):
            continue    # 县市区, 省市自治区: the levels themselves, named one after another
        word = m.group(0).lstrip("和与跟及在的是到去从")   # 文明社区和浙江省…: 和 is no part of a place
        # (a service word inside a place's name is part of the name: 文化东路街道)
        if _NOT_PLACE.search(word) or any(mm.start <= m.start() < mm.end or mm.start < m.end() <= mm.end
                                           for mm in mentions if mm.kind != "category"):
            continue
        if not any(word.endswith(p) or p.endswith(word) for p in index.places):
            unknown.append(word)
    return unknown


# words that say which kind of community, how many, or what is done to one — not which one
_GENERIC_BEFORE_COMMUNITY = re.compile(
    r"^(我们?|你们?|他们?|她们?|它们?|咱们?|俺|本|该|同一|同个|各个?|每个?|其他|其它|别的|整个|全国|全省|全市|所在|附近|周边|隔壁|旁边|相关|一些|"
    r"有的|好的|优秀|先进|示范|模范|文明|和谐|智慧|幸福|老旧|城市|农村|乡村|城乡|城中村|街道|小区|居民|品质|五星|星级|明星|"
    r"标杆|特色|传统|现代|国际|开放|封闭|大型|小型|网格|邻里|熟人|理想|未来|完整|美丽|平安|绿色|低碳|健康|书香|法治|数字|"
    r"互联网|线上|这里|那里|哪里|一下|请问|问问|打听|了解|知道|告诉|告知|咨询|请教|询问|介绍|走进|进入|来到|深入|扎根|服务|回到|"
    r"搬进|搬到|搬入|住进|迁入|走访|带进|送进|引进|建设|打造|创建|"
    r"管理|治理|联系|加入|参加|入选|评上|评为|成为|选出|一共|总共|所有|全部|多少|多少个|书记|主任|领导|共话|晚报|日报|"
    r"新闻|报道|典范|榜样|样板|精品|品牌|年轻|优质|新型|老牌|成熟|普通|典型|高档|新建|安置|拆迁|单位|老年|年轻人|青年|"
    r"大|小|商住|住宅|商业|回迁|保障房|公租房|廉租房|有没有|有没|有无|没有|还有|是不是|是否|名单|榜单|名录|榜|榜上|名单上|"
    r"成员|会员|参与|参评|入围|获奖|上榜|兄弟|友好|结对|共建|试点|联盟|参赛|候选|好多|很多|许多|不少|众多|一批|大批|一大批|"
    r"知识|文化|法律|教育|学习|生活|工作|安全|科学|技术|卫生|经济|自己|本身)$|[几哪这那些啥]|什么|怎样|个$")   # (懂点法律知识社区有啥活动)
# what follows a community's name when a question is about it (樱花社区的书记, 西溪社区在哪, …评上了吗)
_AFTER_NAMED = re.compile(r"$|的|在|有|是|书记|主任|电话|地址|怎么|咋|呢|吗|吧|啊|评|获|得|属于|位于|离|和|跟|与|哪|什么|啥|"
                          r"几|多|居委会|党委|党总支|办公|里|那|这|现在|也|都|还|搞|办|举办|开展|进|上|算|归|最近|近期|最新|今年|平时|"
                          r"加入|入选|参加|上榜|如何|好不好|去年|前年|当年|以前|曾经?|被|用|采用|实行|推行|靠|暑假|寒假|周末|节假日|过年|春节|"
                          r"每年|每周|每天|每月|招|缺|我|咱|俺|你们|他们|她们")   # (明楼社区我天天送: a clause of one's own after it)
# an adverb or a connective before 社区 begins the clause, no name (理发也不方便社区有没有啥服务,
# 就是社区有没有地方调解, 然后社区有啥: spoken without pauses, 设区 typed for 社区)
_SAYING_HOW = re.compile(r"不|没|也|就|很|挺|又|却|只|但|而|然后|所以|因为|可是|还是|反正|其实|或者|要么|那么|然而")
_FUNCTION_CHARS = set("的了在是有和跟与及把被给对向从到去来住进上里个些们这那哪啥吗呢吧啊么也都就还又很最更一我你他她它咱俺刚才回已再仍")


def _unknown_communities(question: str, text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    """`樱花社区的书记是谁`: the word before 社区 names no community the knowledge holds. That word is
    jieba's word right before 社区, or a run of single characters (a name jieba does not know), in
    the same clause, and a question about it goes on as questions about a community do."""
    if "社区" not in text:
        return []
    unknown = []
    for clause in CLAUSE_BREAKS.split(question):
        clause = compact(clause)
        if "社区" not in clause:
            continue
        at, tokens = 0, index.tokens(clause)
        for i, token in enumerate(tokens):
            at += len(token)
            if token != "社区" or i == 0:
                continue
            if not _AFTER_NAMED.match(clause, at):
                continue
            j = i - 1
            if len(tokens[j]) >= 2 and _GENERIC_BEFORE_COMMUNITY.search(tokens[j]):
                continue      # 搞智慧社区: a kind of community (智慧) is no name, whatever comes before it
            # a kind of community with a name's end is a name (和谐苑), but 里 after a word is mostly "in" (榜单里)
            # (阳光 花城: a word ending in a place's kind after a name is the rest of that name)
            # (海曙区 月湖: a place said before a name is where it is, no part of it)
            if tokens[j][-1] in NAME_ENDS and len(tokens[j]) <= 2 and j > 0 and 2 <= len(tokens[j - 1]) <= 3 and \
                    not ((tokens[j] == "里" or len(tokens[j]) == 2) and _GENERIC_BEFORE_COMMUNITY.search(tokens[j - 1])) and \
                    not _PLACE.fullmatch(tokens[j - 1]):
                j -= 1
            if len(tokens[j]) <= 3:   # single characters before it are the rest of a name jieba did not know (翠 竹园)
                while j > 0 and len(tokens[j - 1]) == 1 and tokens[j - 1] not in _FUNCTION_CHARS and \
                        len("".join(tokens[j - 1:i])) <= 4:
                    j -= 1
            name = "".join(tokens[j:i])
            if len(name) < 2 or set(name) & _FUNCTION_CHARS and len(tokens[j]) == 1 or \
                    _GENERIC_BEFORE_COMMUNITY.search(name) or _SAYING_HOW.match(name):
                continue
            said, found = name + "社区", text.find(name + "社区")
            while found >= 0 and any(m.start < found + len(said) and found < m.end for m in mentions):
                found = text.find(said, found + 1)
            if found >= 0:
                unknown.append(said)
    return unknown + _unknown_spelled(question, text, index, mentions)


def _unknown_spelled(question: str, text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    """`Shuguang community in Haishu`: a name in pinyin no community has, which the English reading
    keeps as spelled right before 社区."""
    if not re.search(r"[A-Za-z]{3}", question):
        return []
    tokens, at, unknown = index.tokens(text), 0, []
    for i, token in enumerate(tokens):
        if token == "社区" and i > 0 and PINYIN.fullmatch(tokens[i - 1]) and len(tokens[i - 1]) >= 3:
            start = at - len(tokens[i - 1])
            if not any(m.start <= start < m.end for m in mentions):
                unknown.append(tokens[i - 1] + "社区")
        at += len(token)
    return unknown


_ROUND = re.compile(r"第([一二三四五六七八九十两\d]{1,3})(?:届|批|期)|首(?:届|批|期)|(下一?|新一|再下一)(?:届|批|期|轮)")
NEXT_ROUND = -1   # 下一届: a round after every one the articles tell of


def _rounds(text: str) -> set[int]:
    """The rounds a text names: 第三届 -> 3, 第十二届 -> 12, 首批 -> 1, 下一届 -> NEXT_ROUND."""
    found = set()
    for m in _ROUND.finditer(text):
        n = m.group(1)
        found.add(NEXT_ROUND if m.group(2) else 1 if n is None else chinese_number(n))
    return found


def _round_owners(text: str, lists: list[Mention]) -> dict[int, list[re.Match]]:
    """Which list mention each round said belongs to (by index in `lists`): the one it is part of,
    else the one it comes right before (社区联盟和第二届品质社区: 第二届 is the second's), else the
    one it comes right after (品质社区第三届), else the only one."""
    owners: dict[int, list[re.Match]] = {}
    for r in _ROUND.finditer(text):
        inside = [i for i, m in enumerate(lists) if m.start <= r.start() < m.end]
        before = [i for i, m in enumerate(lists) if 0 <= m.start - r.end() <= 2]
        after = [i for i, m in enumerate(lists) if 0 <= r.start() - m.end <= 2]
        owner = (inside or before or after or ([0] if len(lists) == 1 else []))[:1]
        for i in owner:
            owners.setdefault(i, []).append(r)
    return owners


def _other_rounds(text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    """`第三届品质社区`: a round of a list the knowledge does not hold. Its list mention is dropped
    (it is not the second round's list) and the round is named as unknown. Each round said is
    weighed against its own list only."""
    if not _ROUND.search(text):
        return []
    lists = [m for m in mentions if m.kind == "list"]
    unknown = []
    for i, said in _round_owners(text, lists).items():
        m, held = lists[i], set()
        for lid in m.ids:
            kl = index.model.lists[lid]
            held |= _rounds(" ".join((kl.name, *kl.aliases)))
        asked = _rounds(" ".join(r.group(0) for r in said))
        if held and not asked & held:
            mentions.remove(m)
            unknown.append(said[0].group(0) + m.surface)
    return unknown


# a phone number said in the question (0755-8882 8155这个号是哪个社区的): seven digits and more
_SEVEN_DIGITS = re.compile(r"\d(?:[\d -]*\d){6}")
_NUMBER_SAID = re.compile(r"(?<![\d.])\+?\d[\d -]{5,18}\d(?![\d.])")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _unknown_numbers(question: str, index: EntityIndex) -> list[str]:
    """Phone numbers asked about that no contact of the knowledge holds: never guessed at."""
    found = [(m.group(0).strip(), _digits(m.group(0))) for m in _NUMBER_SAID.finditer(question)]
    known = index.contact_phones
    return [said for said, digits in found if len(digits) >= 7 and
            not any(digits.endswith(k) or k.endswith(digits) for k in known)]


_ASKING = re.compile(rf"吗|呢|什么|啥|哪|怎么|怎样|如何|几|多少|还是|是否|有没有|{A_NOT_A}")


def _said_aside(question: str, word: str, index: EntityIndex) -> bool:
    """Whether `word` is said in a clause of its own beside another clause asking for a service
    (退休金不多，想找个地方免费理个发: the haircut is asked; 孩子打疫苗去哪打: the vaccine is)."""
    clauses = [(word in c, any(m.kind == "category" for m in index.recognise(c)), bool(_ASKING.search(c)))
               for c in map(compact, CLAUSE_ENDS.split(question)) if c]
    # (我爸有阿尔茨海默病…这个药是饭前吃还是饭后吃: the medicine is asked, in a clause of its own)
    return any(service and not holds for holds, service, _ in clauses) and \
        not any(holds and (service or asks) for holds, service, asks in clauses)


# an abbreviation asked about (宁波2017年GDP是多少, CPI涨了多少) that no material holds, and a sum or an
# equation to work out (x²-5x+6=0咋解, 37×24等于几): matters of their own, never the articles'
_ABBREVIATION_ASKED = re.compile(r"(?<![A-Za-z])([A-Z]{2,6})(?![A-Za-z])(?=[^，,。？?]{0,3}(?:多少|什么|啥|怎么|几|如何|排名|增长|涨|跌))")
_SUM = re.compile(r"[\w²³()（）.]+\s*[-+*/×÷^＋－＝]\s*[\w²³()（）.]+[^=＝，,。？?]*(?:=|＝|等于)\s*(?:多少|几|[\w?？]+)")


def _outside_matters(question: str, index: EntityIndex) -> list[str]:
    found = [m.group(1) for m in _ABBREVIATION_ASKED.finditer(question) if m.group(1).lower() not in index.said_text]
    return found + [m.group(0).strip() for m in _SUM.finditer(question) if re.search(r"\d", m.group(0))][:1]


def unknown_names(question: str, text: str, index: EntityIndex, mentions: list[Mention]) -> list[str]:
    """Every place, community and list round in `text` (compacted `question`) the knowledge lacks,
    the matters beside its services it never speaks of (养老金) when no service is asked, and phone
    numbers no contact has."""
    outside = [w for w in index.outside if w in text]
    unknown = _other_rounds(text, index, mentions) + [w for w in outside if not _said_aside(question, w, index)]
    unknown += _unknown_numbers(question, index) if _SEVEN_DIGITS.search(question) else []
    unknown += _outside_matters(question, index) if re.search(r"[A-Z]{2}|[=＝]|等于", question) else []
    return unknown + _national(text, index) + _unknown_places(text, index, mentions) + _unknown_communities(question, text, index, mentions)
