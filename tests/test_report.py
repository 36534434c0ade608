"""report.html: self-contained, Chinese text in the DOM, every image decodes — checked in headless Chromium.

The Chromium test installs the Debian package ``chromium`` when it is missing (the session runs as
root) and fails with a clear message when that is impossible. The screenshot is kept in
test-artifacts/report.png for a person to look at.
"""
from __future__ import annotations

import argparse
import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from kaoping.cli import main
from kaoping.report import bar_figure, line_figure, render_report
from kaoping.runs import RunFolder
from models.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe:
        return exe
    try:
        subprocess.run(["apt-get", "update"], check=True, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=True, capture_output=True, timeout=1200,
                       env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    except (OSError, subprocess.SubprocessError) as err:
        detail = getattr(err, "stderr", b"") or b""
        pytest.fail(f"Chromium is needed to render report.html and could not be installed "
                    f"(apt-get install -y chromium): {err} {detail[-500:].decode(errors='replace')}")
    exe = shutil.which("chromium")
    if not exe:
        pytest.fail("apt-get install chromium succeeded but no 'chromium' executable is on PATH")
    return exe


def cjk_font_for_browser() -> None:
    """Chromium draws the page with the system's fonts (fontconfig): make sure one has Chinese glyphs,
    or the screenshot shows empty boxes (the DOM checks would still pass)."""
    def has_cjk() -> bool:
        r = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
        return r.returncode == 0 and bool(r.stdout.strip())
    if shutil.which("fc-list") and has_cjk():
        return
    try:
        subprocess.run(["apt-get", "install", "-y", "fonts-wqy-microhei"], check=True, capture_output=True, timeout=900,
                       env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    except (OSError, subprocess.SubprocessError) as err:
        pytest.fail(f"no CJK font for Chromium and apt-get install fonts-wqy-microhei failed: {err}")
    if not has_cjk():
        pytest.fail("fonts-wqy-microhei installed but fontconfig lists no Chinese font (fc-list :lang=zh)")


def render(html_file: Path, profile: Path, screenshot: Path | None = None) -> str:
    """The DOM after load (``--dump-dom``), and a screenshot when asked."""
    exe = chromium()
    cjk_font_for_browser()
    url = html_file.resolve().as_uri()
    base = [exe, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000"]
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    if screenshot is not None:
        shot = subprocess.run([*base, "--window-size=1100,1800", f"--screenshot={screenshot}", url],
                              capture_output=True, text=True, timeout=180)
        assert shot.returncode == 0 and screenshot.is_file(), shot.stderr[-2000:]
    return dom.stdout


def data_uri_pngs(html: str) -> list[Image.Image]:
    out = []
    for b64 in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html):
        raw = base64.b64decode(b64, validate=True)
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
        Image.open(io.BytesIO(raw)).verify()  # CRCs and structure
        img = Image.open(io.BytesIO(raw))
        img.load()  # decompresses every row
        out.append(img)
    return out


@pytest.fixture
def run_dir(tmp_path) -> Path:
    """A run with what the report shows: scorecard tables and figure, rank probabilities, a frontier, reasons."""
    scn = load_scenario(TINY)
    out = tmp_path / "run"
    probs = pd.DataFrame({"名次": [1, 2, 3], "概率": [0.125, 0.5, 0.375]})
    frontier = pd.DataFrame({"工作量 [人月]": [0, 5, 10], "P(一等)": [0.1, 0.35, 0.6], "期望名次": [2.6, 2.2, 1.8]})
    args = argparse.Namespace(out=str(out), save=False, _argv=["test-report"])
    with RunFolder.open(args, scn, command="demo-report") as run:
        from kaoping.report import scorecard_figure
        from models.scorecard import scorecard

        card = scorecard(scn)
        run.text("reasons", "推进外贸自营出口：距满分0.5亿美元，每亿美元4人月。\n单位GDP能耗未达基本任务，扣2分。", title="方案理由")
        run.figure("home", lambda: scorecard_figure(card["main/home"]), title="本县分项得分图")
        run.figure("rank", lambda: bar_figure(probs, "名次", "概率", "本县名次概率"), title="名次概率图")
        run.figure("frontier", lambda: line_figure(frontier, "工作量 [人月]", ["P(一等)"], "工作量前沿", "概率"), title="工作量前沿")
        run.table("scorecard", card["main/home"], title="记分卡")
        run.table("probabilities", probs, title="名次概率")
        run.table("frontier", frontier, title="前沿")
        run.results({"p_rank": probs["概率"].tolist()})
    return out


def test_report_is_self_contained_and_renders_in_chromium(run_dir, tmp_path):
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    # self-contained: nothing fetched from anywhere
    assert not re.search(r'(src|href)\s*=\s*"(?!data:)', html)
    assert "url(" not in html and "http://" not in html and "https://" not in html
    pngs = data_uri_pngs(html)
    assert len(pngs) == 3 and all(im.width > 200 and im.height > 100 for im in pngs)

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    dom = render(run_dir / "report.html", tmp_path / "profile", shot)
    assert 'data-images="3"' in dom and 'data-images-ok="yes"' in dom
    for text in ("方案理由", "推进外贸自营出口", "本县分项得分图", "名次概率", "工作量前沿", "记分卡", "基本至满分之间", "未达基本"):
        assert text in dom, text
    with Image.open(shot) as im:
        assert im.size == (1100, 1800)


def test_a_broken_image_is_detected(tmp_path):
    """The DOM marker is not vacuous: a corrupt data URI makes it say 'no'."""
    good = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(good, format="PNG")
    html = render_report(title="坏图测试", about=[("情景", "x")], tables=[], texts=[],
                         figures=[("ok", "好图", good.getvalue()), ("bad", "坏图", b"\x89PNG\r\n\x1a\nnot really")])
    f = tmp_path / "bad.html"
    f.write_text(html, encoding="utf-8")
    dom = render(f, tmp_path / "profile")
    assert 'data-images="2"' in dom and 'data-images-ok="no"' in dom and 'data-broken="坏图"' in dom


def test_report_command_rebuilds_the_page_from_the_folder(run_dir, tmp_path, capsys):
    out = tmp_path / "again.html"
    assert main(["report", str(run_dir), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    html = out.read_text(encoding="utf-8")
    assert len(data_uri_pngs(html)) == 3
    orig = (run_dir / "report.html").read_text(encoding="utf-8")
    heads = re.findall(r"<h2>(.*?)</h2>", orig)
    assert heads == ["方案理由", "本县分项得分图", "名次概率图", "工作量前沿", "记分卡", "名次概率", "前沿"]
    assert re.findall(r"<h2>(.*?)</h2>", html) == heads
    # numbers survive the CSV round trip: P(rank 2) = 0.5 in both pages
    assert "<td>0.5</td>" in html and "<td>0.5</td>" in orig


def test_a_real_optimize_run_renders_its_plan_reasons_and_probabilities(tmp_path, capsys):
    scn = tmp_path / "scn"
    assert main(["import-excel", str(ROOT / "scenarios" / "template.xlsx"), "-o", str(scn)]) == 0
    out = tmp_path / "opt"
    assert main(["optimize", str(scn), "--draws", "60", "--out", str(out)]) == 0
    capsys.readouterr()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert len(data_uri_pngs(html)) == 1
    ARTIFACTS.mkdir(exist_ok=True)
    dom = render(out / "report.html", tmp_path / "profile", ARTIFACTS / "optimize-report.png")
    assert 'data-images="1"' in dom and 'data-images-ok="yes"' in dom
    plan = pd.read_csv(out / "plan.csv", encoding="utf-8-sig")
    for text in ("推进方案", "方案理由", "名次与等次概率（与基准方案对比）", "优化方案（独立样本）", "讲话规则（独立样本）", "候选方案（选择样本上成对比较）",
                 "求解器", *plan["指标"].astype(str)):
        assert text in dom, text
