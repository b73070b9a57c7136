"""The knowledge base: complete against the articles, sourced, validated, atomic, round-tripping."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from knowledge.loader import KnowledgeError, build_database, export_records
from knowledge.schema import FILES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "knowledge" / "data"

# What the articles name, typed in from reading them (not derived from the knowledge files).
TOP20 = ["虞波社区", "福城社区", "海创社区", "学弄社区", "学苑社区", "金钟社区", "湖西社区", "园丁社区", "静远社区",
         "阳光社区", "塔山社区", "清风社区", "桃园江社区", "金色水岸社区", "东城社区", "四明社区", "洪都社区",
         "海棠社区", "海湾社区", "广贤社区"]
FIRST_BATCH = ["后大街社区", "力邦社区", "丹顶鹤社区", "凌霄社区", "都市森林社区", "北岸琴森社区", "新城市社区",
               "总浦桥社区", "水岸心境社区"]
OTHERS = ["幸福苑社区", "锦悦湾社区", "走马塘村", "四安村", "赛罕社区", "深圳湾社区"]
BAIJIA_SAMPLE = {"地球补丁": "学弄社区", "E线工作法": "东江社区", "潘大姐": "龙泉社区", "时间积分银行": "泉水社区",
                 "四点钟学校": "贺丞社区", "楼道博物馆": "胜利路社区", "陈效邦调解工作室": "泰和社区",
                 "世纪城社区": None, "家庭驿站": "世纪城社区", "七彩小屋": "金山社区", "邻里月会": "锦山社区",
                 "暖悦夕阳": "浒西社区", "邻里益家": "湖西社区"}
# The 百佳 list as published: (community, brand), in order.
BAIJIA = [
    ('学弄社区', '地球补丁'),
    ('东江社区', 'E线工作法'),
    ('四明社区', '牵手四明'),
    ('宪卿第社区', '墙门课堂'),
    ('龙泉社区', '潘大姐'),
    ('胜山社区', '居民说事点'),
    ('舜水社区', '365阳光驿站'),
    ('子陵社区', '五彩丝带'),
    ('学弄社区', '双百守望团'),
    ('舒苑社区', '爱心接力站'),
    ('城北社区', '365青春服务点'),
    ('浒西社区', '暖悦夕阳'),
    ('金山社区', '七彩小屋'),
    ('虞波社区', '365馨之家'),
    ('金南社区', '情洒桑榆工作室'),
    ('青少年宫路社区', '侨界之家'),
    ('阳光社区', '民情直通车'),
    ('锦山社区', '邻里月会'),
    ('力邦社区', '同心少年警校'),
    ('茗山社区', '特别的爱给特别的你'),
    ('中山社区', '吉祥龙鼓'),
    ('民主社区', '何美容道德模范工作室'),
    ('秀水社区', '夕阳红'),
    ('泉水社区', '时间积分银行'),
    ('阳光社区', '金拐杖'),
    ('怡惠社区', '固定爱心日'),
    ('北星社区', '群艺俱乐部'),
    ('五丰社区', '爱心服务社'),
    ('泉水社区', '小候鸟'),
    ('塔山社区', '邻里驿站'),
    ('北路社区', '大管家'),
    ('瑶琳社区', '孙茂芳储爱超市'),
    ('蓬莱社区', '微就业'),
    ('梅园社区', '和文化'),
    ('延昌社区', '渔文化'),
    ('长丰社区', '爱心驿站'),
    ('金色水岸社区', '金牌管家'),
    ('景湖社区', '我们在义起'),
    ('剑桥社区', '爱的N次方'),
    ('城兴社区', '城艺空间'),
    ('天城社区', '天天道德体验馆'),
    ('东城社区', '幸福加油站'),
    ('格兰春天社区', '王映波'),
    ('金桥社区', '幸福邻里37°爱'),
    ('尚诚社区', '阳光牵手小学堂'),
    ('丽洲社区', '虞辉志志愿服务工作室'),
    ('水岸心境社区', '公益芝麻街'),
    ('北郊社区', '月光墙门'),
    ('郡庙社区', '清·优'),
    ('马园社区', '淘乐坊'),
    ('万安社区', '文明讲师团'),
    ('白云庄社区', '党代表议事会'),
    ('文昌社区', '百岁粥坊'),
    ('县学社区', '三字经'),
    ('文昌社区', '绿色银行'),
    ('丹顶鹤社区', '公益一条街'),
    ('划船社区', '俞复玲道德模范工作室'),
    ('舟孟社区', '邻里守望卡'),
    ('史家社区', '和谐圆桌听证会'),
    ('贺丞社区', '四点钟学校'),
    ('东柳坊社区', '阳光驿站'),
    ('划船社区', '一代四员'),
    ('碧城社区', '双心阿姨服务队'),
    ('潜龙社区', '小巷公议会'),
    ('紫鹃社区', '小棉袄服务社'),
    ('泰和社区', '陈效邦调解工作室'),
    ('外滩社区', '网格+工作五法'),
    ('桃源社区', '365党员义工服务队'),
    ('双东坊社区', '东坊乐'),
    ('繁景社区', '繁景邻里邦'),
    ('绿梅社区', '文明一条街'),
    ('湖西社区', '邻里益家'),
    ('梅堰社区', '微爱家园'),
    ('亲亲社区', '街坊情'),
    ('洪都社区', '微家园'),
    ('车站路社区', '草根讲堂'),
    ('城东社区', '文明网吧督导队'),
    ('总浦桥社区', '敲门行动'),
    ('胜利路社区', '楼道博物馆'),
    ('白龙社区', '七彩义工队'),
    ('西门社区', '好管家'),
    ('后大街社区', '居民众筹自治'),
    ('静远社区', '学雷锋'),
    ('南一社区', '葵花园'),
    ('兴庄路社区', '全能社工服务队'),
    ('汇源社区', '五彩公益先锋积分卡'),
    ('百合社区', '百灵鸟家庭公益心计划'),
    ('大港社区', '小马拉大车'),
    ('凤凰社区', '模拟法庭'),
    ('海棠社区', '最美朝霞'),
    ('横杨社区', '聆听心语'),
    ('红联社区', '金葵花'),
    ('凌霄社区', '白领之家'),
    ('牡丹社区', '文化桥梁'),
    ('银杏社区', '爱心储蓄银行'),
    ('玉兰社区', '送粥奶奶'),
    ('芝兰社区', '花开港城'),
    ('海湾社区', '贴心360'),
    ('清泉山庄社区', '义工服务队'),
    ('世纪城社区', '家庭驿站'),
]

SECRETARIES = {"丹顶鹤社区": "黄菊芬", "都市森林社区": "许文君", "北岸琴森社区": "孟佳寅", "新城市社区": "韩静安",
               "后大街社区": "吴民丽", "力邦社区": "蔡荣华", "凌霄社区": "陈雪波", "水岸心境社区": "徐孟儿",
               "总浦桥社区": "沈东红", "幸福苑社区": "徐健丽", "锦悦湾社区": "徐艳"}


@pytest.fixture(scope="module")
def db():
    d = sqlite_utils.Database(memory=True)
    build_database(d, DATA)
    return d


def names(db, table="communities"):
    return [r["name"] for r in db[table].rows]


def test_every_community_the_articles_name_is_present(db):
    present = names(db)
    for name in TOP20 + FIRST_BATCH + OTHERS:
        assert name in present, name
    assert len(present) >= 110


def test_every_baijia_entry_is_present_with_its_community(db):
    members = list(db.query("select p.name, c.name community from list_members m join programmes p on p.id = m.member_id "
                            "join communities c on c.id = p.community_id where m.list_id = 'baijia' order by m.position"))
    assert [(m["community"], m["name"]) for m in members] == BAIJIA


def test_the_hundred_baijia_programmes_are_listed_in_order(db):
    members = list(db.query("select p.name, c.name community from list_members m join programmes p on p.id = m.member_id "
                            "join communities c on c.id = p.community_id where m.list_id = 'baijia' order by m.position"))
    assert len(members) == 100
    by_name = {m["name"]: m["community"] for m in members}
    for programme, community in BAIJIA_SAMPLE.items():
        if community:
            assert by_name[programme] == community, programme
    assert members[0]["name"] == "地球补丁" and members[-1]["name"] == "家庭驿站"


def test_lists_have_their_published_sizes(db):
    sizes = {r["id"]: r["n"] for r in db.query("select list_id id, count(*) n from list_members group by list_id")}
    assert sizes["top20-2017"] == 20 and sizes["baijia"] == 100 and sizes["first-batch"] == 9
    order = [r["name"] for r in db.query("select c.name from list_members m join communities c on c.id = m.member_id "
                                         "where m.list_id = 'top20-2017' order by position")]
    assert order == TOP20


def test_two_yangguang_communities_are_kept_apart(db):
    rows = list(db.query("select id, county, street, label from communities where name = '阳光社区'"))
    assert len(rows) >= 2
    jinping = [r for r in rows if r["street"] == "锦屏街道"]
    assert len(jinping) == 1 and jinping[0]["county"] == "奉化区"
    # the 百佳 list does not say which 阳光社区 runs 民情直通车 or 金拐杖: not attributed to 锦屏
    owners = {r["community_id"] for r in db.query("select community_id from programmes where name in ('民情直通车', '金拐杖')")}
    assert jinping[0]["id"] not in owners


def test_contacts_are_exactly_what_the_articles_state(db):
    rows = {r["community"]: r["name"] for r in db.query(
        "select c.name community, k.name from contacts k join communities c on c.id = k.community_id where k.role like '%书记%' or k.role like '%主任%'")}
    for community, person in SECRETARIES.items():
        assert rows.get(community) == person, community
    assert all(r["phone"] is None and r["address"] is None for r in db["contacts"].rows)


def test_no_number_from_the_spam_is_in_the_knowledge():
    spam = ["0755", "8882", "8155", "1500", "99"]
    for path in DATA.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for number in spam[:3]:
            assert number not in text, (path.name, number)
    text = "".join((DATA / name).read_text(encoding="utf-8") for name in ("communities.yaml", "programmes.yaml", "people.yaml", "lists.yaml"))
    for place in ("劳务派遣", "工业区", "历下", "济南", "盐田", "王其峰", "平湖"):
        assert place not in text


def test_every_fact_names_a_known_source(db):
    sources = {r["id"] for r in db["sources"].rows}
    for table in ("communities", "programmes", "contacts", "honours", "facts", "figures", "lists", "people"):
        for row in db[table].rows:
            assert row["source"] in sources, (table, row)


def test_repeated_article_is_counted_once(db):
    saihan = list(db.query("select count(*) n from programmes where community_id = 'saihan' and name = '一室四平台'"))
    assert saihan[0]["n"] == 1


def test_export_round_trips(db, tmp_path):
    first = export_records(db)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    again = sqlite_utils.Database(memory=True)
    build_database(again, path)
    assert export_records(again) == first


def test_cli_export_build_export_is_identical(tmp_path):
    env_db = {"BOT_STORAGE_DATABASE": str(tmp_path / "a.db"), "PATH": "/usr/bin:/bin"}
    run = lambda *a, db=env_db: subprocess.run([sys.executable, "run_bot.py", *a], cwd=ROOT, env=db,  # noqa: E731
                                               capture_output=True, text=True, timeout=120)
    assert run("kb", "build").returncode == 0
    assert run("kb", "export", "--format", "json", "-o", str(tmp_path / "1.json")).returncode == 0
    other = {**env_db, "BOT_STORAGE_DATABASE": str(tmp_path / "b.db")}
    assert run("kb", "build", "--from", str(tmp_path / "1.json"), db=other).returncode == 0
    assert run("kb", "export", "--format", "json", "-o", str(tmp_path / "2.json"), db=other).returncode == 0
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()
    stats = run("kb", "stats")
    assert stats.returncode == 0 and "百佳社区文明创建工作品牌" in stats.stdout and "深圳湾社区" in stats.stdout
    csv = run("kb", "export", "--format", "csv", "-o", str(tmp_path / "csv"))
    assert csv.returncode == 0 and (tmp_path / "csv" / "communities.csv").exists()


# ------------------------------------------------------------------ refusals
@pytest.fixture
def folder(tmp_path):
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def edit(folder: Path, name: str, change) -> None:
    path = folder / name
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")


def refused(folder: Path) -> str:
    with pytest.raises(KnowledgeError) as err:
        build_database(sqlite_utils.Database(memory=True), folder)
    return str(err.value.problems[0])


def line_of(folder: Path, name: str, needle: str) -> int:
    for n, line in enumerate((folder / name).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_refuses_unknown_community(folder):
    edit(folder, "programmes.yaml", lambda r: r[3].update(community="nowhere"))
    msg = refused(folder)
    assert msg.startswith("programmes.yaml:") and "community: unknown community 'nowhere'" in msg


def test_refuses_duplicate_id_with_both_lines(folder):
    edit(folder, "communities.yaml", lambda r: r[5].update(id=r[2]["id"]))
    msg = refused(folder)
    assert re.match(r"communities\.yaml:\d+: id: duplicate id 'haichuang' \(first on line \d+\)", msg)


def test_refuses_missing_required_field_at_its_line(folder):
    edit(folder, "contacts.yaml", lambda r: r[1].pop("role"))
    line = line_of(folder, "contacts.yaml", "蔡荣华") - 1  # the record starts one line above the name
    assert refused(folder) == f"contacts.yaml:{line}: role: required field is missing"


def test_refuses_phone_that_is_not_a_phone(folder):
    edit(folder, "contacts.yaml", lambda r: r[0].update(phone="call me maybe"))
    assert "phone: 'call me maybe' is not a phone number" in refused(folder)


def test_accepts_a_real_phone_number(folder):
    edit(folder, "contacts.yaml", lambda r: r[0].update(phone="0574-87654321"))
    build_database(sqlite_utils.Database(memory=True), folder)


def test_refuses_unknown_category_and_source(folder):
    edit(folder, "programmes.yaml", lambda r: r[0].update(categories=["astrology"]))
    assert "categories: unknown category 'astrology'" in refused(folder)


def test_refuses_unknown_field_and_wrong_type(folder):
    edit(folder, "communities.yaml", lambda r: r[0].update(population="many", scene="x"))
    with pytest.raises(KnowledgeError) as err:
        build_database(sqlite_utils.Database(memory=True), folder)
    text = "\n".join(map(str, err.value.problems))
    assert "population: unknown field" in text and "scene: must be a whole number" in text


def test_refuses_broken_yaml_with_its_line(folder):
    path = folder / "lists.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- id: [unclosed\n", encoding="utf-8")
    assert re.match(r"lists\.yaml:\d+: -: not valid YAML", refused(folder))


def test_refused_build_leaves_the_database_as_it_was(folder):
    d = sqlite_utils.Database(memory=True)
    build_database(d, folder)
    before = export_records(d)
    edit(folder, "programmes.yaml", lambda r: r.append({"id": "x.y", "name": "新项目", "community": "ghost", "source": "nb-first-batch"}))
    with pytest.raises(KnowledgeError):
        build_database(d, folder)
    assert export_records(d) == before


def test_schema_doc_lists_every_field():
    doc = (ROOT / "knowledge" / "SCHEMA.md").read_text(encoding="utf-8")
    for name, fields in FILES.items():
        assert f"## {name}" in doc
        for f in fields:
            assert f"`{f.name}`" in doc, (name, f.name)


def test_cli_validate_reports_file_line_field(folder):
    edit(folder, "programmes.yaml", lambda r: r[0].update(community="ghost"))
    proc = subprocess.run([sys.executable, "run_bot.py", "kb", "validate", "--from", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1
    assert re.search(r"programmes\.yaml:\d+: community: unknown community 'ghost'", proc.stderr)


def test_running_bot_keeps_serving_the_previous_knowledge_on_a_bad_reload(folder, tmp_path):
    from bot.config import load_config
    from bot.wiring import build_dependencies, open_database, reload_knowledge
    from bot.channels.console import reply_to as answer_text
    cfg = load_config(environ={"BOT_STORAGE_DATABASE": str(tmp_path / "k.db"), "BOT_KNOWLEDGE_DATA_DIR": str(folder)})
    db = open_database(cfg)
    deps = build_dependencies(cfg, db)
    before = deps.knowledge
    edit(folder, "contacts.yaml", lambda r: r[0].update(phone="not a phone"))
    assert reload_knowledge(cfg, db, deps) is False
    assert deps.knowledge is before
    assert "吴民丽" in answer_text(deps, "o1", "后大街社区书记是谁")
    edit(folder, "contacts.yaml", lambda r: r[0].update(phone="0574-86270000", name="吴民丽"))
    assert reload_knowledge(cfg, db, deps) is True
    assert "0574-86270000" in answer_text(deps, "o1", "后大街社区书记是谁")


def test_start_up_rebuilds_when_the_files_changed(folder, tmp_path):
    from bot.config import load_config
    from bot.wiring import build_dependencies, open_database
    from bot.channels.console import reply_to as answer_text
    cfg = load_config(environ={"BOT_STORAGE_DATABASE": str(tmp_path / "k.db"), "BOT_KNOWLEDGE_DATA_DIR": str(folder)})
    build_dependencies(cfg, open_database(cfg))
    edit(folder, "contacts.yaml", lambda r: r[0].update(name="新书记"))
    assert "新书记" in answer_text(build_dependencies(cfg, open_database(cfg)), "o1", "后大街社区书记是谁")
    edit(folder, "contacts.yaml", lambda r: r[0].update(community="ghost"))   # refused: previous build serves
    assert "新书记" in answer_text(build_dependencies(cfg, open_database(cfg)), "o1", "后大街社区书记是谁")


@pytest.mark.parametrize("text, category", [("想发挥点余热", "volunteer"),          # 发挥余热 with 点 inside
                                            ("刚从外地搬来，想认识认识", "neighbourhood")])  # 刚搬来 with 从外地 inside
def test_a_need_phrase_said_with_a_word_or_two_inside_is_still_the_need(engine, text, category):
    found = [m for m in engine.understand(text).of("category") if m.how == "gapped"]
    assert [m.ids for m in found] == [[category]]


@pytest.mark.parametrize("text", ["刚到家里找了半天才搬来", "刚才说的，搬来的事"])   # too many words between / a clause break
def test_a_phrase_spread_too_far_or_over_a_clause_is_not_the_need(engine, text):
    assert not [m for m in engine.understand(text).of("category") if m.how == "gapped"]


def test_a_commit_by_the_serving_process_during_a_rebuild_waits_instead_of_failing_it(tmp_path):
    """The console rebuilds the knowledge on a connection of its own while the webhook's connection
    commits question-log rows: the rebuild holds the write lock from its first statement, so the
    other commit waits (here: is refused at once, timeout 0) instead of making the rebuild fail."""
    import sqlite3

    from knowledge.loader import load, write
    path = tmp_path / "k.db"
    db = sqlite_utils.Database(path)
    db.execute("pragma journal_mode=wal")
    db["questions"].insert({"id": 1, "text": "x"}, pk="id")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    outcome: list[str] = []

    def meanwhile(sql: str) -> None:
        if not outcome and "sqlite_master" in sql:      # the rebuild's first look at the tables
            try:
                other.execute("insert into questions (text) values ('y')")
                outcome.append("committed")
            except sqlite3.OperationalError:
                outcome.append("waited")
    db.conn.set_trace_callback(meanwhile)
    write(db, load(DATA))
    assert outcome == ["waited"] and db["communities"].count > 100


def test_a_word_group_an_operator_adds_finds_what_its_other_words_say(folder):
    """words.yaml: a question using one word of a group matches a fact using another, with no code."""
    from knowledge.engine import Engine

    def answer(question: str):
        d = sqlite_utils.Database(memory=True)
        build_database(d, folder)
        return Engine.from_database(d).answer(question, "dandinghe")
    before = answer("我们社区在视频号上有交流的地方吗")
    assert not (before.template == "community_items" and "QQ群" in str(before.data))
    edit(folder, "words.yaml", lambda r: next(g for g in r if g["id"] == "online")["words"].append("视频号"))
    after = answer("我们社区在视频号上有交流的地方吗")
    assert after.template == "community_items" and "QQ群" in str(after.data)


def test_a_word_group_without_words_is_refused_with_its_line(folder):
    edit(folder, "words.yaml", lambda r: r.append({"id": "empty", "name": "空的"}))
    assert refused(folder) == f"words.yaml:{line_of(folder, 'words.yaml', 'id: empty')}: words: required field is missing"
    edit(folder, "words.yaml", lambda r: r[-1].update(words=["网上"], id="online"))
    assert "duplicate id 'online'" in refused(folder)


def test_a_matter_an_operator_marks_outside_is_answered_as_not_in_the_material(folder):
    """words.yaml `outside: true`: a matter no article covers is said to be missing, not answered with
    the nearest service (老年人 alone would bring up a community's services for the elderly)."""
    from knowledge.engine import Engine

    def answer(question: str):
        d = sqlite_utils.Database(memory=True)
        build_database(d, folder)
        return Engine.from_database(d).answer(question, "dandinghe")
    before = answer("老年人的电动车上牌怎么办")
    assert before.template == "community_services"
    edit(folder, "words.yaml", lambda r: r.append({"id": "plates", "name": "车辆上牌", "outside": True,
                                                  "words": ["上牌", "车牌照"]}))
    after = answer("老年人的电动车上牌怎么办")
    assert after.template == "unknown_place" and after.data["places"] == ["上牌"]


def test_a_word_both_outside_and_a_service_is_refused_with_its_line(folder):
    edit(folder, "words.yaml", lambda r: r.append({"id": "jobs", "name": "求职", "outside": True, "words": ["求职"]}))
    assert refused(folder) == (f"words.yaml:{line_of(folder, 'words.yaml', 'id: jobs')}: words: '求职' is also a "
                               "synonym of category 'employment': a word is a service or outside, not both")
