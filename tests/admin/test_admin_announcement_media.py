"""The console's announcement form: the long-text form and an image file, through the same use
cases as WeChat and the CLI (uploaded to the fake WeChat API, refusals named)."""
from __future__ import annotations

import io

from wechat_peer import event

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"


async def test_console_sends_with_an_image_and_refuses_a_non_image(console_app, fake_wechat):
    c, peer, webhook = console_app
    await peer.ask(event("subscribe", "qrscene_1001", openid="oResYubo01"))   # scene 1001 binds to yubo
    await c.login("xiao")
    resp = await c.post("/announcements", {"text": "周六义诊", "community": "yubo", "action": "send",
                                           "image": io.BytesIO(b"%PDF-1.4 not an image")})
    assert resp.status == 200 and "图片须为 JPG、PNG、GIF 或 BMP" in await resp.text()
    assert webhook.db["announcements"].count == 0
    resp = await c.post("/announcements", {"text": "周六义诊", "community": "yubo", "action": "send", "form": "split",
                                           "image": io.BytesIO(JPEG)})
    assert resp.status == 302
    image_id, form = webhook.db.conn.execute("select image_id, form from announcements").fetchone()
    media_id = webhook.db.conn.execute("select media_id from announcement_images where id = ?", [image_id]).fetchone()[0]
    assert form == "" and fake_wechat.media[media_id] == JPEG
    page = await (await c.get("/announcements")).text()
    assert 'name="form"' in page and 'type="file"' in page
