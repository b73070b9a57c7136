"""Questions in English or pinyin, understood by turning their words into the Chinese cues.

Names come from the knowledge itself: every community, place and person name is given its
toneless pinyin with pypinyin (后大街社区 -> houdajie, houdajieshequ; 张伟方 -> zhangweifang), so
`Houdajie`, `Saihan shequ` or `Zhang Weifang` find them without a hand-made list. Question
words (who, where, phone, secretary, elderly, how many ...) map to the cue words
understand.py already knows. Runs of Latin letters are translated in place; Chinese around
them is kept (`Saihan社区有什么children activities`). Replies stay in Chinese.
"""
from __future__ import annotations

import functools
import re

from pypinyin import lazy_pinyin
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.model import Model

# English and pinyin question words -> Chinese cue words (longest phrases are tried first)
WORDS = {
    "who is": "是谁", "who": "是谁", "whose": "谁的", "what": "什么", "which": "哪个", "where": "在哪里",
    "where is": "在哪里", "when": "什么时候", "since when": "什么时候开始", "how long": "多久", "how many": "多少",
    "how much": "多少", "how": "怎么",
    "which street": "哪个街道", "what street": "哪个街道", "street": "街道", "which district": "哪个区",
    "district": "区", "which city": "哪个城市", "city": "市", "town": "镇", "province": "省", "bay": "湾",
    "secretary": "书记", "party secretary": "书记", "director": "主任", "head": "负责人", "leader": "负责人",
    "phone": "电话", "telephone": "电话", "phone number": "电话", "contact": "联系方式", "address": "地址",
    "hotline": "热线", "elderly": "养老", "old people": "老人", "seniors": "老人", "senior": "老人", "aged": "老人",
    "children": "儿童", "child": "儿童", "kids": "儿童", "kid": "儿童", "youth": "青少年", "students": "学生",
    "volunteer": "志愿者", "volunteers": "志愿者", "volunteering": "志愿服务", "day care": "日间照料",
    "people live": "人口", "population": "人口", "residents": "居民", "resident": "居民", "people": "人",
    "live": "住", "lives": "住", "members": "成员", "grid members": "网格员", "grid": "网格", "part-time": "兼职",
    "part time": "兼职", "party members": "党员", "quality communities": "品质社区", "quality community": "品质社区",
    "top 20": "20强", "top20": "20强", "first batch": "首批", "first quality community": "首批品质社区", "first quality communities": "首批品质社区", "list": "名单", "services": "服务", "service": "服务",
    "activities": "活动", "activity": "活动", "programmes": "项目", "programs": "项目", "programme": "项目",
    "program": "项目", "project": "项目", "projects": "项目", "honours": "荣誉", "honors": "荣誉", "awards": "荣誉",
    "award": "荣誉", "mediation": "调解", "legal": "法律", "health": "健康", "reading": "阅读", "culture": "文化",
    "sports": "运动", "community": "社区", "communities": "社区", "village": "村", "are there": "有哪些",
    "is there": "有没有", "wrote": "谁写的", "written by": "谁写的", "written on": "写着", "written": "写的",
    # (后大街 I think it's written: how a name is spelled, not who wrote something)
    "it s written": "", "it is written": "", "is written": "", "spelled": "", "spelt": "", "who wrote": "谁写的", "author": "作者",
    "reporter": "记者", "on what date": "哪天", "what date": "哪天", "date": "日期", "published": "发布",
    "publish": "发布", "second-round": "第二届", "second round": "第二届", "first-round": "首届", "first round": "首届",
    "article": "文章", "report": "报道", "philosophy": "理念", "concept": "理念", "slogan": "口号",
    "motto": "口号", "idea": "理念", "building heads": "楼栋长", "building leaders": "楼栋长", "unit heads": "单元长",
    "volunteer teams": "志愿服务队伍", "teams": "队伍", "area": "面积", "founded": "成立", "established": "成立",
    "elderly people": "老人", "over 60": "60岁以上", "ethnic minority": "少数民族", "minority": "少数民族",
    "shopping mall": "商场", "shopping malls": "商场", "mall": "商场", "malls": "商场", "works with": "共建",
    "five optimizations": "五优", "five optimisations": "五优", "migratory birds": "候鸟", "migratory bird": "候鸟", "holiday school": "假日学校", "uyghur": "维吾尔族", "uighur": "维吾尔族", "kazakh": "哈萨克族", "tujia": "土家族",
    "email": "邮箱", "website": "网址", "fee": "收费", "cost": "收费", "opening hours": "开放时间", "hours": "开放时间", "volunteer hours": "志愿时长", "service hours": "志愿时长",
    "units": "单位", "unit": "单位", "organisations stationed": "驻区单位", "stationed": "驻", "based there": "驻",
    "customs": "海关", "border inspection": "边检", "ethnic group": "民族", "ethnicities": "民族",
    "special groups": "特殊人群", "special populations": "特殊人群", "vulnerable groups": "特殊人群", "do anything for": "有什么服务给",
    "name the community": "哪个社区", "name the communities": "哪些社区", "houses": "住着", "is home to": "住着",
    "provinces": "个省", "argue": "吵架", "arguing": "吵架", "argument": "吵架", "fight": "吵架", "fighting": "吵架",
    "water leaks": "漏水", "leaks": "漏水", "leaking": "漏水", "noise": "噪音", "noisy": "噪音",
    "which month": "几月", "what month": "几月", "month and year": "哪年几月", "housing": "入住",
    "used to": "以前", "formerly": "以前", "previously": "以前", "moved from": "从", "came from": "从", "have": "有", "has": "有", "there": "", "are": "", "is": "", "the": "", "a": "", "an": "",
    "of": "", "in": "", "for": "", "does": "", "do": "", "to": "", "me": "", "tell": "", "please": "", "about": "",
    "located": "在哪里", "location": "在哪里", "where's": "在哪里", "name": "叫什么", "named": "叫", "called": "叫",
    "leader of": "负责人", "in charge": "负责人", "chief": "负责人", "party branch": "党支部", "party building": "党建",
    "neighbourhood": "邻里", "neighborhood": "邻里", "neighbors": "邻居", "neighbours": "邻居", "elders": "老人",
    "older people": "老人", "old": "老", "young people": "年轻人", "young": "年轻", "white-collar": "白领",
    "office workers": "上班族", "migrant workers": "外来务工", "migrants": "外来务工", "workers": "务工人员",
    "when was": "什么时候", "which year": "哪年", "what year": "哪年", "set up": "成立", "officially": "", "built": "建", "founded in": "成立于", "how old": "多少年", "how big": "多大",
    "number of": "多少", "total": "一共", "ranked": "排第几", "rank": "排名", "ranking": "排名", "which communities": "哪些社区",
    "what communities": "哪些社区", "list of": "名单", "alliance": "社区联盟", "honour": "荣誉", "honor": "荣誉",
    "brand": "品牌", "english": "英语", "club": "俱乐部", "clubs": "俱乐部", "brands": "品牌", "feature": "特色", "features": "特色", "girl": "女孩", "girls": "女孩", "little girls": "小女孩", "little girl": "小女孩", "boy": "男孩", "boys": "男孩",
    "sing": "唱", "sung": "唱", "singing": "唱", "china": "中国", "china's": "中国", "chinese": "中国",
    "no.1": "第一", "no. 1": "第一", "number one": "第一", "known as": "之称", "nicknamed": "之称",
    "key": "重点", "organised": "主办", "organized": "主办", "organiser": "主办单位", "organizer": "主办单位",
    "selection": "评选", "main": "主要", "major": "主要", "main brand": "主打品牌", "flagship": "主打",
    "prize": "奖", "prizes": "奖", "big prize": "大奖", "size-wise": "规模", "sizewise": "规模",
    "in size": "规模", "scale": "规模", "visa": "签证", "passport": "护照",
    "residence permit": "居留许可", "work permit": "工作许可",
    "two": "两个", "three": "三个", "four": "四个", "five": "五个", "special": "特色", "characteristics": "特点",
    "famous for": "特色", "known for": "特色", "lunar new year": "年夜饭", "new year's eve dinner": "年夜饭",
    "kindergarten": "儿童", "after-school": "放学", "after school": "放学", "daycare": "日间照料",
    "legal aid": "法律援助", "lawyer": "律师", "doctor": "医生", "clinic": "义诊", "free clinic": "义诊",
    "repair": "维修", "repairs": "维修", "haircut": "理发", "meals": "就餐", "library": "图书", "books": "读书",
    "dispute": "纠纷", "disputes": "纠纷", "quarrel": "吵架",
    # titles won and figures expected (what title did it win at the end of last year; expected to reach)
    "title": "称号", "titles": "称号", "win": "获得", "wins": "获得", "awarded": "获评", "end of last year": "去年底",
    "expected to reach": "预计达到多少", "within three years": "三年内", "in three years": "三年内",
    "three years": "三年", "which town": "哪个镇", "what town": "哪个镇", "expected": "预计", "reach": "达到", "within": "内",
    "optimize": "优化", "optimise": "优化", "optimized": "优化", "optimised": "优化", "optimizing": "优化",
    "optimising": "优化", "improve": "优化", "improves": "优化", "improved": "优化", "improvements": "优化",
    "staggered": "错时", "staggered working hours": "错时上班", "staggered hours": "错时上班", "working hours": "上班",
    "shifts": "错时上班", "event": "活动", "events": "活动", "current": "现有", "currently": "现有", "imperial scholars": "进士", "scholars": "进士",
    "sort out": "调解", "sorts out": "调解", "sort it out": "调解", "sort things out": "调解", "settle": "调解",
    "settles": "调解", "mediate": "调解", "mediates": "调解", "rowing": "吵架", "rows": "吵架", "row": "吵架",
    "falling out": "吵架", "leak": "漏水", "water leak": "漏水", "jobs": "就业", "job": "就业", "employment": "就业",
    "environment": "环保", "recycling": "垃圾分类", "women": "妇女", "family": "家庭", "marriage": "婚姻",
    "governance": "治理", "model": "模式", "mode": "模式", "method": "工作法", "work method": "工作法",
    "party service center": "党群服务中心", "party service centre": "党群服务中心", "service center": "服务中心",
    "shanhua award": "山花奖", "shanhua": "山花", "folk art": "民间文艺", "checkpoint": "口岸", "each day": "每天", "per day": "每天", "a day": "每天", "featured": "特色",
    "good fortune": "福",
    "service centre": "服务中心", "ningbo evening news": "宁波晚报", "evening news": "晚报", "ningbo daily": "宁波日报",
    "community festival": "甬上社区节", "festival": "社区节",
    "port": "口岸", "border crossing": "口岸", "cross the border": "跨境", "cross-border students": "跨境学童", "pass through": "通关", "every day": "每天", "daily": "每天",
    "unit leaders": "单元长", "floor leaders": "楼层长", "group leaders": "小组长", "group leader": "小组长",
    "floor group leaders": "楼道小组长", "stairwell leaders": "楼道长", "elected": "选出", "logo": "标识", "emblem": "标识",
    "held": "举办", "hosted": "举办", "take on": "承接", "handle": "承接", "items": "事项", "administrative": "行政",
    "social organizations": "社会组织", "social organisations": "社会组织", "blessing": "福", "won": "获得",
    "twice": "两次", "times": "次", "share": "占比", "percentage": "占比", "percent": "占比",
    "come from": "来自", "other parts of the country": "外地", "other places": "外地", "from elsewhere": "外地",
    # what the articles tell of: buildings and places, events, customs and volunteers' points
    "renovation": "改造", "renovations": "改造", "renovate": "改造", "renovated": "改造", "rebuilt": "改造",
    "retrofit": "改造", "old housing": "老旧小区", "old residential": "老旧小区", "old estate": "老旧小区",
    "housing estate": "小区", "estate": "小区", "apartment": "小区", "start": "开始", "started": "开始",
    "begin": "开始", "began": "开始", "since": "开始", "pilot": "试点", "park": "公园", "pocket park": "口袋公园",
    "heating": "换热站", "facilities": "设施", "performance": "表演", "performed": "表演", "perform": "表演",
    "show": "表演", "shows": "节目", "dance": "舞蹈", "drum": "腰鼓", "drums": "腰鼓", "waist drum": "腰鼓",
    "qipao": "旗袍", "cheongsam": "旗袍", "red songs": "红歌", "sang": "唱", "song": "歌", "choir": "合唱",
    "flash mob": "快闪", "points": "积分", "reward": "积分", "rewards": "积分", "rewarded": "积分", "exchange": "兑换", "redeem": "兑换", "wedding": "婚俗",
    "dowry": "十里红妆", "korea": "韩国", "jeju": "济州", "dinner": "年夜饭", "stairwell": "楼道", "eating": "吃", "eat": "吃", "eaten": "吃", "ate": "吃",
    "slow life": "慢生活", "experience hall": "体验馆", "experience": "体验", "hall": "馆",
    "folks": "人", "old folks": "老人",
    "corridor": "楼道", "migrant": "外来务工", "dormitory": "宿舍", "school": "学校", "holiday": "假期",
    "summer": "暑假", "winter": "寒假", "meeting": "议事", "council": "议事", "discussion": "议事",
    "visitors": "来访", "tourists": "游客", "cross-border": "跨境", "students crossing": "跨境学童",
    "hong kong": "香港", "ethnic groups": "民族", "nationalities": "民族", "mongolian": "蒙古族",
    # size, photos, clothes, and names said word by word (Time Box: 时间盒子)
    "square km": "平方公里", "square kilometres": "平方公里", "square kilometers": "平方公里", "cover": "面积",
    "covers": "面积", "size": "面积", "time": "时间", "box": "盒子", "bank": "银行", "aimed at": "面向",
    "intended for": "面向", "meant for": "面向", "target": "面向", "photo": "照片", "photos": "照片",
    "picture": "照片", "pictures": "照片", "took": "拍", "photographed": "拍", "shot": "拍",
    "photographer": "摄影记者", "ceremony": "现场", "award ceremony": "颁奖现场", "awards ceremony": "颁奖现场",
    "spirit": "精神", "promote": "倡导", "promotes": "倡导", "color": "颜色", "colour": "颜色", "wear": "穿",
    "wore": "穿", "wearing": "穿", "jacket": "冲锋衣", "jackets": "冲锋衣", "clothes": "衣服", "reporters": "记者",
    "journalists": "记者", "journalist": "记者", "o clock": "点钟", "banner": "旗", "front banner": "前旗",
    "otog": "鄂托克", "spoke": "致辞", "speech": "致辞", "gave a speech": "致辞", "on behalf of": "代表",
    "newspaper group": "报业集团", "porridge": "粥", "porridge shop": "粥坊",
    "subdistrict": "街道", "sub-district": "街道", "subdistricts": "街道", "love": "爱心", "savings": "储蓄",
    "red song": "红歌", "open with": "开场", "opened with": "开场",
    "opening": "开场", "retired": "退休", "retiree": "退休老人", "retirees": "退休老人", "join": "参加",
    "neighbour": "邻居", "neighbor": "邻居", "hi-tech zone": "高新区", "high-tech zone": "高新区", "development zone": "开发区",
    "property management": "物业", "property company": "物业", "six": "六个", "seven": "七个", "eight": "八个",
    "ten": "十个", "newcomers": "外来", "grandpa": "老人", "grandma": "老人", "grandparents": "老人",
    "grandfather": "老人", "grandmother": "老人", "father": "老人", "mother": "老人", "parents": "老人",
    "lives alone": "独居", "living alone": "独居", "alone": "独居", "lonely": "孤单", "fall": "摔倒",
    "falls": "摔倒",
    "hundred-year-old": "百岁", "hundred year old": "百岁", "centenarian": "百岁", "otog front banner": "鄂托克前旗", "inner mongolia": "内蒙古", "material": "资料",
    # chat shorthand and words of asking (comm. for community; what's: the 's is no word)
    "comm": "社区", "comms": "社区", "s": "", "quick q": "", "q": "", "talking about": "", "lean on": "借力",
    # community names said by their meaning (Red-crowned Crane community: 丹顶鹤社区)
    "red-crowned crane": "丹顶鹤", "red crowned crane": "丹顶鹤", "urban forest": "都市森林", "city forest": "都市森林",
    "back street": "后大街", "golden bell": "金钟", "sunshine": "阳光", "happiness garden": "幸福苑", "gardener": "园丁",
    "seven colours": "七色", "seven colors": "七色", "one hundred best": "百佳", "hundred best": "百佳", "100 best": "百佳",
    "plan": "打算", "plans": "打算", "planned": "打算", "planning": "打算", "mom": "老人", "mum": "老人", "dad": "老人", "hopeless": "不会", "w": "", "special about": "特别", "digital": "数字化", "digital training": "数字化技能培训", "smartphone": "智能手机",
    "smartphones": "智能手机", "rehab": "康复", "rehabilitation": "康复", "daytime care": "日间照料", "anything": "有什么",
    # where someone lives (I am in 奉化 阳光社区: the resident's home; my friend lives in …: not theirs)
    "i am in": "我住在", "i m in": "我住在", "im in": "我住在", "i live in": "我住在", "we are in": "我们住在",
    "my friend": "我朋友", "our": "我们的", "our community": "我们社区", "our comm": "我们社区", "its": "它的",
    "that comm": "那个社区", "that community": "那个社区", "this comm": "这个社区", "this community": "这个社区", "she lives in": "她住在", "he lives in": "他住在", "they live in": "他们住在",
    # pinyin question words
    "shequ": "社区", "shuji": "书记", "zhuren": "主任", "shi": "是", "shei": "谁", "shui": "谁", "de": "的",
    "zai": "在", "nali": "哪里", "nar": "哪儿", "dianhua": "电话", "you": "有", "shenme": "什么", "nage": "哪个",
    "jiedao": "街道", "duoshao": "多少", "laoren": "老人", "ertong": "儿童", "zhiyuanzhe": "志愿者", "ma": "吗",
    "xiangmu": "项目", "fuwu": "服务", "huodong": "活动", "yanglao": "养老", "dou": "都", "nei": "哪",
    # chat spellings
    "ppl": "人", "ppl live": "人口", "pls": "", "plz": "", "u": "", "ur": "",
}
# places named after an area (Shenzhen Bay Park), as the matcher reads them after a community's name
LANDMARKS = {"公园", "医院", "大桥", "机场", "商场", "地铁站", "广场", "酒店", "大学"}
WORDS.update({"park": "公园", "hospital": "医院", "bridge": "大桥", "airport": "机场", "metro station": "地铁站",
              "square": "广场", "hotel": "酒店", "university": "大学"})
# 4 o'clock, four o'clock: the hour said with the clock word, not a count
WORDS.update({f"{n} o clock": f"{h}点钟" for n, h in (*((str(i), h) for i, h in enumerate("一二三四五六七八九十", 1)),
              ("one", "一"), ("two", "两"), ("three", "三"), ("four", "四"), ("five", "五"), ("six", "六"),
              ("seven", "七"), ("eight", "八"), ("nine", "九"), ("ten", "十"))})
# what a programme's name ends in, which English says in its own words (Fangling studio)
PROGRAMME_KINDS = re.compile(r"(工作室|驿站|俱乐部|服务站|学堂|课堂|书屋|议事厅|超市|银行|食堂|小屋)$")
# the last character of a name, as English says it (深圳湾 -> Shenzhen Bay)
NAME_ENDS = {"湾": "bay", "湖": "lake", "桥": "bridge", "山": "hill", "港": "harbour"}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\- ']*[A-Za-z0-9]|[A-Za-z]")
MAX_WORDS = 4


def pinyin_key(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower()


def name_table(model: Model) -> dict[str, str]:
    """Toneless pinyin (no spaces) -> the Chinese name, for communities, places, people and programmes."""
    table: dict[str, str] = {}

    def add(chinese: str, key_from: str) -> None:
        key = pinyin_key(key_from)
        if len(key) >= 4:
            table.setdefault(key, chinese)

    for c in model.communities.values():
        add(c.name, c.name)
        short = c.name.removesuffix("社区").removesuffix("村")   # (Zoumatang village: 走马塘村)
        if short != c.name and len(short) >= 2:
            add(c.name, short)
            if short[-1] in NAME_ENDS and len(short) >= 3:   # Shenzhen Bay, as English says 深圳湾
                table.setdefault(pinyin_key(short[:-1]) + NAME_ENDS[short[-1]], c.name)
        for part in (c.province, c.city, c.county, c.street):
            if part:
                add(part, part)
                short = re.sub(r"(街道|新区|区|市|县|镇|旗|省|自治区)$", "", part)
                if len(short) >= 2:
                    add(part, short)
    for p in model.people.values():
        add(p.name, p.name)
    for prog in model.programmes.values():   # programmes said by their sound (Haodajie for 好大姐)
        for name in (prog.name, *prog.aliases):
            if re.fullmatch(r"[\u4e00-\u9fff]{3,6}", name):
                add(name, name)
                head = PROGRAMME_KINDS.sub("", name)
                if head != name and len(head) >= 2:   # the Fangling studio: 芳龄 said, 工作室 in English
                    add(name, head)
    return table


_CHINESE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def vocabulary(model: Model, tokenizer) -> dict[str, str]:
    """Toneless pinyin -> a word the knowledge's own texts use (共建单位 from `gongjian danwei`,
    `gongjiandanwei`): pinyin typed without tones is read as the words the knowledge holds, the most
    used word first where two sound alike. Consulted after names and English words. `tokenizer`: the
    entity index's jieba (no second dictionary loaded for this)."""
    counts: dict[str, int] = {}
    texts = [w for c in model.categories.values() for w in (c.name, *c.synonyms)]
    for p in model.programmes.values():
        texts += [p.name, p.kind, p.serves, p.description]
    for c in model.communities.values():
        texts += [c.description] + [t for i in c.items for t in (i.text, i.label, *i.keywords)]
    for text in texts:
        for word in tokenizer.cut(text or ""):
            if _CHINESE_WORD.match(word):
                counts[word] = counts.get(word, 0) + 1
    table: dict[str, str] = {}
    for word, _ in sorted(counts.items(), key=lambda kv: -kv[1]):
        table.setdefault(pinyin_key(word), word)
    return table


def read(question: str, names: dict[str, str], words: dict[str, str] | None = None) -> tuple[str, list[str], int]:
    """(the question with its English turned into cues — `Who is the secretary of Houdajie community?`
    -> `是谁书记后大街社区社区`, cues, not prose —, the English words dropped as unknown — Premier
    League —, how many words with content the English says), in one pass; `words`: the knowledge's
    vocabulary by pinyin (`vocabulary`)."""
    if not LATIN.search(question):
        return question, [], 0
    unknown: list[str] = []
    question = THOUSANDS.sub("", question)   # (2,800 migrant workers: one number)
    text = LATIN.sub(lambda m: _run(m.group(0), names, words or {}, unknown), question)
    said = [w for m in LATIN.finditer(question) for w in re.split(r"[\s']+", m.group(0).lower())
            if w.isalpha() and w not in FUNCTION_WORDS]
    return text, [w for w in unknown if w.isalpha() and w not in FUNCTION_WORDS], len(said)


THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


# after a noun these start a relative clause (the kids who cross the border), not a question
RELATIVE = frozenset(("who", "which", "where", "when", "whose"))
ASKED_PLACES = frozenset(("district", "street", "city", "province", "county", "town", "subdistrict", "area"))
ASKING_BEFORE = frozenset(("is", "are", "was", "were", "and", "or", "but", "so", "me", "know", "ask", "tell"))


def _singular(word: str) -> str:
    for plural, single in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(plural) and len(word) > len(plural) + 2 and word[: -len(plural)] + single in WORDS:
            return word[: -len(plural)] + single
    return ""


# one-word keys a misspelt word may be meant as (minorites -> minority); short words are too
# easily one letter from another word to be corrected
_SPELLED = [w for w, cue in WORDS.items() if cue and " " not in w and len(w) >= 5]


@functools.lru_cache(maxsize=4096)
def _misspelt(word: str) -> str:
    """The one-word key `word` is a misspelling of (one letter off, two for words of eight letters
    or more, counting a plural's ending), or ""."""
    if len(word) < 6 or not word.isalpha():
        return ""
    allowed = 2 if len(word) >= 8 else 1
    found = process.extractOne(word, _SPELLED, scorer=Levenshtein.distance, score_cutoff=allowed)
    return found[0] if found else ""


# English words that carry no content of their own (what `read` leaves out of the unknown)
FUNCTION_WORDS = frozenset("""a an the and or but if so to of in on at by for from with about into over under
after before since than that this these those there here it its it's he she they them his her their our your
my me we you i i'm i'd i've was were be been being am is are do does did done have has had can could would should
will shall may might must not no yes what which who whom whose when where why how any some all each every
very just also too only then now still yet up down out off again ever even much many more most such own
same other another one ones both either neither please thanks thank hi hello wait meant mean""".split())


def _run(run: str, names: dict[str, str], vocabulary: dict[str, str], unknown: list[str] | None = None) -> str:
    words = [w for w in re.split(r"[\s']+", run.lower()) if w]
    out, i = [], 0
    while i < len(words):
        # (…imperial scholars' - which town is it in: after a dash a new question begins)
        # (…community which has…: a relative pronoun; haichuang community which district: typed as a
        # question, a place word right after it)
        if words[i] in RELATIVE and i > 0 and words[i - 1] not in ASKING_BEFORE and words[i - 1][-1].isalpha() and \
                not (i + 1 < len(words) and words[i + 1] in ASKED_PLACES):
            i += 1
            continue
        if words[i].replace(".", "", 1).isdigit():   # (2800 migrant workers: the number is said as it is)
            out.append(words[i])
            i += 1
            continue
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            joined = "".join(words[i:i + n]).replace("-", "")
            if joined in names:
                out.append(names[joined])
            elif phrase in WORDS:
                out.append(WORDS[phrase])
            elif len(joined) >= 4 and joined in vocabulary:
                out.append(vocabulary[joined])
            elif n == 1 and (meant := _singular(phrase) or _misspelt(phrase)):
                out.append(WORDS[meant])
            else:
                continue
            i += n
            break
        else:
            if i + 1 < len(words) and words[i + 1] in ("community", "shequ") and PINYIN.fullmatch(words[i]) and \
                    words[i] not in FUNCTION_WORDS and not (i + 2 < len(words) and " ".join(words[i + 1:i + 3]) in WORDS):
                # (…community festival: a name of its own, translated whole)
                out.append(words[i])   # (Shuguang community: a name the knowledge lacks, said as a name)
            elif unknown is not None:
                unknown.append(words[i])
            i += 1  # a word we do not know says nothing to the matcher
    # Shenzhen Bay Park: a landmark named after the area, not the community
    out = [w[:-2] if w.endswith("社区") and k + 1 < len(out) and out[k + 1] in LANDMARKS else w for k, w in enumerate(out)]
    if any(out):
        return "".join(out)
    if words[-1] in POINTING:   # "of that" before Chinese points at it
        return POINTING[words[-1]]
    return "" if all(w in FUNCTION_WORDS for w in words) else run   # LOGO, QQ, O2O: the knowledge's own words


# toneless pinyin syllables, one after another (shuguang): a name, not an English word (big, old)
PINYIN = re.compile(r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ue|ai|ei|ao|"
                    r"ou|an|en|in|un|ia|ie|iu|ua|uo|ui|er|a|o|e|i|u|v))+")
POINTING = {"that": "那", "this": "这", "those": "那些", "these": "这些"}   # (那个 alone reads as a pause)
