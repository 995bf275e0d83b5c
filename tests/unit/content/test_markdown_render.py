"""Rendering lessons: safe HTML whatever the author wrote, working anchors, rewritten media."""

from __future__ import annotations

from trainer.content import media_url_for, render_markdown, resolve_course_link


def no_media(path: str) -> str | None:
    return None


def test_script_tags_and_their_content_are_removed():
    rendered = render_markdown(
        "正文\n\n<script>alert('x')</script>\n\n<style>p{}</style>", no_media
    )

    assert "<script" not in rendered.html and "alert" not in rendered.html
    assert "<style" not in rendered.html
    assert "<p>正文</p>" in rendered.html


def test_event_handlers_are_removed_from_raw_html_and_attribute_lists():
    source = (
        '<a href="https://example.com" onclick="steal()">点我</a>\n\n'
        '## 标题 {: onmouseover="x()" .note }\n\n'
        '<img src="https://example.com/a.png" onerror="steal()">'
    )

    html = render_markdown(source, no_media).html

    assert "onclick" not in html and "onmouseover" not in html and "steal" not in html
    assert 'href="https://example.com"' in html
    assert 'class="note"' in html, "attribute lists may still set a class"


def test_javascript_and_data_urls_are_removed():
    source = (
        "[点我](javascript:alert(1))\n\n"
        '<a href="JaVaScRiPt:alert(1)">raw</a>\n\n'
        "![img](data:image/png;base64,AAAA)\n\n"
        '<img src="data:text/html,x">'
    )

    html = render_markdown(source, no_media).html

    assert "javascript" not in html.lower()
    assert "data:" not in html


def test_links_get_noopener_noreferrer():
    html = render_markdown("[官网](https://example.com)", no_media).html

    assert 'rel="noopener noreferrer"' in html


def test_chinese_heading_gets_an_anchor_that_the_toc_uses():
    rendered = render_markdown("## 第一步：主动迎宾\n\n正文\n\n### 3 秒问候\n", no_media)

    assert rendered.toc == [(2, "第一步主动迎宾", "第一步：主动迎宾"), (3, "3-秒问候", "3 秒问候")]
    assert '<h2 id="第一步主动迎宾">' in rendered.html
    assert '<h3 id="3-秒问候">' in rendered.html


def test_repeated_headings_get_unique_anchors():
    rendered = render_markdown("## 小结\n\n## 小结\n\n## ！！！\n", no_media)

    anchors = [anchor for _, anchor, _ in rendered.toc]
    assert len(set(anchors)) == 3
    assert all(f'id="{anchor}"' in rendered.html for anchor in anchors)


def test_admonitions_tables_and_code_keep_their_classes():
    source = (
        '!!! do "应该这样做"\n    - 微笑问候\n\n'
        "| 情况 | 说法 |\n|---|---|\n| 进店 | 您好 |\n\n"
        "```python\nprint('hi')\n```\n"
    )

    html = render_markdown(source, no_media).html

    assert '<div class="admonition do">' in html
    assert '<p class="admonition-title">应该这样做</p>' in html
    assert "<table>" in html and "<td>您好</td>" in html
    assert 'class="language-python"' in html


def test_relative_images_and_links_go_through_media_url():
    asked = []

    def media_url(path: str) -> str | None:
        asked.append(path)
        return f"/media/{path}" if path.endswith(".svg") else None

    source = "![图](../media/a.svg)\n\n[下一课](02-next.md)\n\n[锚点](#top)"
    html = render_markdown(source, media_url).html

    assert asked == ["../media/a.svg", "02-next.md"]
    assert 'src="/media/../media/a.svg"' in html
    assert 'href="02-next.md"' not in html and ">下一课</a>" in html
    assert 'href="#top"' in html


def test_course_media_resolver_refuses_paths_leaving_the_course():
    media = {"media/fitting-room.svg"}
    media_url = media_url_for("lessons/01-greeting.md", media, lambda path: f"/c/x/{path}")

    source = (
        "![ok](../media/fitting-room.svg)\n\n![up](../../other/media/a.svg)\n\n"
        "[quiz](../quiz.md)\n\n![abs](/etc/passwd)\n\n![proto](//evil.example/a.png)"
    )
    html = render_markdown(source, media_url).html

    assert 'src="/c/x/media/fitting-room.svg"' in html
    assert "other" not in html and "quiz.md" not in html
    assert "passwd" not in html and "evil" not in html


def test_resolve_course_link():
    assert resolve_course_link("lessons/01-a.md", "../media/x%20y.png?v=2#top") == "media/x y.png"
    assert resolve_course_link("course.md", "media/x.png") == "media/x.png"
    assert resolve_course_link("lessons/01-a.md", "../../x.png") is None
    assert resolve_course_link("lessons/01-a.md", "https://example.com/x.png") is None
    assert resolve_course_link("lessons/01-a.md", "..\\media\\x.png") == "media/x.png"


def test_real_lesson_renders_with_its_image(course):
    loaded, _ = course.load()
    lesson = loaded.lesson("fitting")

    rendered = render_markdown(
        lesson.source, media_url_for(lesson.path, loaded.media, lambda path: f"/m/{path}")
    )

    assert '<img alt="试衣间引导" src="/m/media/fitting-room.svg">' in rendered.html
    assert [title for _, _, title in rendered.toc] == ["试衣间引导", "改裤长"]
