"""End to end in a real headless Chromium (Debian's chromium driven by Playwright; Playwright never
downloads a browser): sign in, edit a programme and see the answer change in Try it, accept a draft
from an article (and ask Try it about the person it named), add a keyword reply WeChat then answers
with, push a menu to the fake WeChat API, watch an announcement's delivery progress live.
Each main page is saved as a phone-sized screenshot under tests/screenshots/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from bot.channels.wechat.webhook import make_app
from bot.wiring import mount_console
from admin.console_helpers import PASSWORD, ROOT
from wechat_peer import Peer, event, text

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "tests" / "screenshots"
ARTICLE = Path(__file__).resolve().parent / "article.txt"


@pytest.fixture
async def site(aiohttp_server, aiohttp_client, console_webhook):
    """(base URL, Peer, webhook) of one real server on loopback serving the webhook and the console."""
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test` (it installs Debian's chromium)")
    app = make_app(console_webhook)
    mount_console(app, console_webhook)
    server = await aiohttp_server(app)
    w = console_webhook.config.wechat
    peer = Peer(await aiohttp_client(server), w.token, aes_key=w.encoding_aes_key, app_id=w.app_id)
    return str(server.make_url("")).rstrip("/"), peer, console_webhook


@pytest.fixture
async def page(site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                            locale="zh-CN")
        context.set_default_timeout(10_000)
        tab = await context.new_page()
        yield tab
        await browser.close()


async def sign_in(page, base: str, name: str = "ops") -> None:
    await page.goto(base + "/admin/")
    await page.fill("#name", name)
    await page.fill("#password", PASSWORD)
    await page.screenshot(path=SHOTS / "login.png", full_page=True)
    await page.click("button[type=submit]")
    await expect(page.locator("h1")).to_contain_text(f"你好，{name}")


async def shot(page, name: str) -> None:
    await page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


async def test_edit_a_programme_and_see_the_answer_change_in_try_it(site, page):
    base, _, _ = site
    await sign_in(page, base)
    await shot(page, "home")
    await page.click("header >> text=试一试")
    await page.fill("#text", "地球补丁是什么")
    await page.click("button[name=send]")
    await expect(page.locator("#chat")).to_contain_text("学弄社区")
    await expect(page.locator("#chat")).not_to_contain_text("旧衣改造")
    await page.click("header >> text=知识库")
    await shot(page, "knowledge")
    await page.click("text=项目与品牌")
    await page.fill("input[type=search]", "地球补丁")
    await page.click("button:has-text('搜索')")
    await page.click("text=编辑")
    await page.fill("#f-description", "每月组织旧衣改造和垃圾分类宣传。")
    await page.click("#record button[type=submit]")
    await expect(page.locator("[role=status]")).to_contain_text("已保存")
    await shot(page, "knowledge_edit")
    await page.click("header >> text=试一试")
    await page.fill("#text", "地球补丁是什么")
    await page.click("button[name=send]")
    await expect(page.locator("#chat .bot").last).to_contain_text("旧衣改造")
    await shot(page, "try_it")


async def test_accept_a_draft_from_an_article(site, page):
    base, peer, _ = site
    await sign_in(page, base)
    await page.click("header >> text=文章草稿")
    await page.fill("#title", "社区见闻")
    await page.fill("#publisher", "测试报")
    await page.fill("#text", ARTICLE.read_text(encoding="utf-8"))
    await shot(page, "drafts")
    await page.click("button:has-text('提出草稿')")
    community = page.locator(".draft-communities").first
    await expect(community).to_contain_text("青禾社区")
    await community.locator("input[name=description]").fill("鹿鸣区青石街道的社区，有邻里书房。")
    await community.locator("button[value=accept]").click()
    await expect(page.locator(".draft-communities").first).to_contain_text("已接受")
    programme = page.locator(".draft-programmes.status-pending", has_text="邻里书房")
    await programme.locator("button[value=accept]").click()
    await expect(page.locator(".draft-programmes", has_text="邻里书房")).to_contain_text("已接受")
    person = page.locator(".draft-people.status-pending", has_text="周晓梅")
    await expect(person.locator("input[name=role]")).to_have_value("党委书记")
    await person.locator("button[value=accept]").click()
    await expect(page.locator(".draft-people", has_text="周晓梅")).to_contain_text("已接受")
    await shot(page, "draft_batch")
    assert "青禾社区" in await peer.ask(text("邻里书房在哪个社区"))
    await page.click("header >> text=试一试")
    await page.fill("#text", "周晓梅是谁")
    await page.click("button[name=send]")
    await expect(page.locator("#chat .bot").last).to_contain_text("党委书记")
    await expect(page.locator("#chat .bot").last).to_contain_text("青禾社区")


async def test_keyword_reply_that_wechat_then_answers_with(site, page):
    base, peer, _ = site
    await sign_in(page, base)
    await page.click("header >> text=关键词回复")
    await page.click("text=新建")
    await page.fill("#f-pattern", "停水")
    await page.fill("#f-text", "本周六上午九点至十二点停水检修。")
    await page.click("button:has-text('保存')")
    await expect(page.locator("table")).to_contain_text("停水")
    await shot(page, "keywords")
    assert await peer.ask(text("明天会停水吗")) == "本周六上午九点至十二点停水检修。"


async def test_push_a_menu_to_the_fake_wechat_api(site, page, fake_wechat):
    base, peer, webhook = site
    await sign_in(page, base)
    await page.click("header >> text=菜单")
    await page.fill("#b0", "找服务")
    await page.fill("input[name=b0s0]", "养老")
    await page.fill("input[name=b0s0a]", webhook.deps.knowledge.model.categories["elderly"].menu_key)
    await page.fill("#b1", "官网")
    await page.fill("#b1a", "https://example.org/")
    await page.click("button[name=push]")
    await expect(page.locator("[role=status]")).to_contain_text("已发布")
    await shot(page, "menu")
    created = fake_wechat.calls_to("/cgi-bin/menu/create")[-1].body
    assert created["button"][0]["sub_button"][0]["name"] == "养老"
    assert created["button"][1] == {"name": "官网", "type": "view", "url": "https://example.org/"}
    key = created["button"][0]["sub_button"][0]["key"]
    question = webhook.deps.knowledge.menu_question(key)
    assert await peer.ask(event("CLICK", key)) == await peer.ask(text(question, openid="oSame0001"))


async def test_watch_delivery_progress_live(site, page):
    from announce_helpers import drain
    from bot.wiring import build_deliverer
    base, peer, webhook = site
    for i in range(3):
        await peer.ask(event("subscribe", "qrscene_1001", openid=f"oLive{i:04d}"))   # residents of yubo
    await sign_in(page, base)
    await page.click("header >> text=通知")
    await page.fill("#text", "周六上午停水")
    await page.select_option("#community", "yubo")
    await page.click("button[value=send]")
    await expect(page.locator("#done")).to_have_text("0")
    await expect(page.locator("#report tr")).to_have_count(0)
    await page.evaluate("window.stillTheSamePage = true")           # gone if the page reloads
    webhook.deps.outbox.queue_due()                                  # delivery starts: 3 waiting
    row = page.locator("#channels tr").first
    await expect(row.locator(".pending")).to_have_text("3")
    await expect(page.locator("#audience")).to_have_text("3")
    await drain(build_deliverer(webhook.config, webhook))            # and ends: 3 sent
    await expect(row.locator(".sent")).to_have_text("3")
    await expect(row.locator(".pending")).to_have_text("0")
    await expect(page.locator("#done")).to_have_text("3")
    await expect(page.locator("#status")).to_have_text("done")
    await expect(page.locator("#report tr")).to_have_count(3)       # the per-resident report, once it ended
    await expect(page.locator("#report")).to_contain_text("sent")
    await expect(page.locator("#cancel")).to_have_count(0)          # nothing left to cancel
    assert await page.evaluate("window.stillTheSamePage === true")
    await shot(page, "announcement")


async def test_screenshots_of_the_other_pages(site, page):
    base, peer, _ = site
    for q in ("补丁行动怎么参加", "补丁行动怎么参加呢", "地球补丁是什么"):
        await peer.ask(text(q))
    await sign_in(page, base, "root")
    for label, name in (("居民在问", "questions"), ("统计", "stats"), ("通知", "announcements"), ("账号", "users")):
        await page.click(f"header >> text={label}")
        await expect(page.locator("h1")).to_be_visible()
        await shot(page, name)
    await page.click("header >> text=居民在问")
    await expect(page.locator(".question").first).to_contain_text("补丁行动怎么参加")
