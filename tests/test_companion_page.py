"""The companion page (pipeline/companion.py, assets/companion/): the stage's keying and limits, then the built page in
Debian's Chromium, headless: an episode played to success, a layout placed by clicking, the training snapshots
scrubbed, a link that reproduces its view, the film's colours on screen, keyboard use, and no console errors."""
from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from core.errors import UserError
from core.palette import palette_colours
from core.settings import load_settings
from pipeline import companion

LAPTOP = (1366, 768)


# --- the stage -----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(recording_dir, tmp_path_factory) -> Path:
    return companion.build_companion(load_settings(), recording_dir, tmp_path_factory.mktemp("companion"))


def page_data(page: Path) -> dict:
    html = page.read_text()
    match = re.search(r'<script type="application/json" id="hrm-data">(.*?)</script>', html, re.S)
    return json.loads(match[1])


def test_page_is_one_small_self_contained_file(page, recording_dir):
    html = page.read_text()
    assert page.stat().st_size < companion.MAX_BYTES
    assert "{{" not in html and not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)
    data = page_data(page)
    checkpoints = {p.stem for p in (recording_dir / "checkpoints").glob("*.pt")}
    assert set(data["models"]) == checkpoints
    assert [s["model"] for s in data["snapshots"]] == [Path(s["checkpoint"]).stem for s in
                                                        json.loads((recording_dir / "snapshots.json").read_text())]
    assert "demos" not in json.dumps(data["snapshots"]) and "rollouts" not in json.dumps(data["variants"])


def test_unchanged_inputs_skip_the_build(recording_dir, tmp_path, monkeypatch):
    settings = load_settings()
    out = companion.build_companion(settings, recording_dir, tmp_path)
    stamp = out.stat().st_mtime_ns

    def no_render(data):
        raise AssertionError("rebuilt although nothing changed")

    monkeypatch.setattr(companion, "render_page", no_render)
    assert companion.build_companion(settings, recording_dir, tmp_path) == out
    assert out.stat().st_mtime_ns == stamp
    with pytest.raises(AssertionError, match="rebuilt"):      # a setting the page reads changes the key
        companion.build_companion(replace(settings, seed=settings.seed + 1), recording_dir, tmp_path)


def test_a_page_over_the_limit_is_an_error(recording_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(companion, "MAX_BYTES", 100_000)
    with pytest.raises(UserError, match=r"index\.html: the page would be [\d.]+ MB, over the 0\.1 MB limit"):
        companion.build_companion(load_settings(), recording_dir, tmp_path)
    assert not (tmp_path / "index.html").exists()


def copy_recording(recording_dir: Path, to: Path, checkpoints: bool = False) -> Path:
    to.mkdir()
    for f in recording_dir.glob("*.json"):
        shutil.copy(f, to / f.name)
    if checkpoints:
        shutil.copytree(recording_dir / "checkpoints", to / "checkpoints")
    return to


def test_a_missing_recording_file_is_named(recording_dir, tmp_path):
    model_dir = copy_recording(recording_dir, tmp_path / "model")
    (model_dir / "curves.json").unlink()
    with pytest.raises(UserError) as err:
        companion.build_companion(load_settings(), model_dir, tmp_path / "out")
    assert "curves.json: missing recording" in str(err.value) and "\n" not in str(err.value)


def test_a_missing_snapshot_checkpoint_is_named(recording_dir, tmp_path):
    model_dir = copy_recording(recording_dir, tmp_path / "model", checkpoints=True)
    (model_dir / "checkpoints" / "hrm-05-finetune.pt").unlink()
    with pytest.raises(UserError, match=r"hrm-05-finetune\.pt: missing checkpoint"):
        companion.build_companion(load_settings(), model_dir, tmp_path / "out")


# --- the page in Chromium ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--force-device-scale-factor=1",
                "--window-size=1366,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    yield driver
    driver.quit()


@pytest.fixture
def driver(browser):
    """The browser at laptop size with no media preferences; after the test, no console errors."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": LAPTOP[0], "height": LAPTOP[1], "deviceScaleFactor": 1, "mobile": False})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    browser.get_log("browser")
    yield browser
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def open_page(driver, page: Path, fragment: str = "") -> None:
    """A fresh load of the page (from disk) at this fragment, once its script has run."""
    driver.get("about:blank")
    driver.get(f"{page.as_uri()}#{fragment}")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))


def js(driver, script: str, *args):
    return driver.execute_script(f"return {script}", *args)


def text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def fragment(driver) -> dict:
    return dict(p.split("=") for p in js(driver, "location.hash").lstrip("#").split("&"))


def finals(recording_dir: Path) -> dict:
    return json.loads((recording_dir / "finals.json").read_text())


def layout_id(layout: list[int]) -> str:
    return "-".join(map(str, layout))


def test_an_episode_plays_to_success_as_recorded(driver, page, recording_dir):
    rollouts = [r for r in finals(recording_dir)["hrm"]["rollouts"] if r["success"]]
    recorded = rollouts[0]
    open_page(driver, page, f"view=play&layout={layout_id(recorded['layout'])}&model=hrm-final&motion=reduced")
    step = driver.find_element(By.XPATH, "//div[@id='play-controls']//button[text()='Step']")
    for _ in range(recorded["n_steps"]):
        step.click()
    assert text(driver, "play-verdict").startswith(f"Opened in {recorded['n_steps']} steps")
    actions = js(driver, "[...document.querySelectorAll('#play-trail li')].map(li => li.title.split(' → ')[1]"
                         ".split(' (')[0])")
    assert actions == [s["action"] for s in recorded["steps"]]
    assert fragment(driver)["step"] == str(recorded["n_steps"])
    # Run plays a (short) layout to the end by itself
    shortest = min(rollouts, key=lambda r: r["n_steps"])
    open_page(driver, page, f"view=play&layout={layout_id(shortest['layout'])}&model=hrm-final")
    driver.find_element(By.XPATH, "//div[@id='play-controls']//button[text()='Run']").click()
    WebDriverWait(driver, 30).until(lambda d: f"Opened in {shortest['n_steps']} steps" in text(d, "play-verdict"))


def test_a_layout_is_placed_by_clicking_cells(driver, page, recording_dir):
    summary = json.loads((recording_dir / "summary.json").read_text())
    agent, key, door = summary["heldout_layouts"][0]
    open_page(driver, page, "view=play&layout=4-1-9")
    cells = driver.find_elements(By.CSS_SELECTOR, "#play-track .cell")
    cells[agent].click()
    cells[key].click()
    assert fragment(driver)["layout"] == f"{agent}-{key}-{door}"
    assert "agent" in cells[agent].get_attribute("aria-label") and "key" in cells[key].get_attribute("aria-label")
    assert text(driver, "play-tag") == "held-out"
    driver.find_element(By.XPATH, "//div[@id='play-door']/button[text()='Door left']").click()
    last = summary["n_cells"] - 1
    assert fragment(driver)["layout"] == f"{last - agent}-{last - key}-0"
    assert text(driver, "play-tag").startswith("mirrored")
    train = summary["train_layouts"][0]
    open_page(driver, page, f"view=play&layout={layout_id(train)}")
    assert text(driver, "play-tag") == "seen in training"


def test_scrubbing_snapshots_swaps_the_weights(driver, page, recording_dir):
    snapshots = json.loads((recording_dir / "snapshots.json").read_text())
    showcase = snapshots[-1]["rollouts"][0]
    open_page(driver, page, f"view=training&layout={layout_id(showcase['layout'])}")
    scrub = driver.find_element(By.ID, "train-scrub")
    reset = driver.find_element(By.XPATH, "//div[@id='train-controls']//button[text()='Reset']")

    def first_decision(key: str) -> list[float]:
        """The bars of the decision in the start state (the same whether the snapshot samples or not)."""
        scrub.send_keys(key)
        reset.click()
        return js(driver, "[...document.querySelectorAll('#train-brain .fill')].map(f => parseFloat(f.style.width))")

    for key, snap in ((Keys.HOME, snapshots[0]), (Keys.END, snapshots[-1])):
        start = snap["rollouts"][0]["steps"][0]
        assert first_decision(key) == pytest.approx([100 * p for p in start["planner_probs"] + start["doer_probs"]],
                                                    abs=0.011)
    assert snapshots[0]["policy"] == "sample"
    scrub.send_keys(Keys.HOME)
    assert "samples its actions" in text(driver, "train-note")
    for snap in snapshots[1:]:
        scrub.send_keys(Keys.ARROW_RIGHT)
        assert text(driver, "train-snap-label").startswith(snap["label"])
        if snap["policy"] == "greedy":      # greedy snapshots replay the recording exactly
            rollout = snap["rollouts"][0]
            assert text(driver, "train-counter") == f"step {rollout['n_steps']} of {rollout['n_steps']}"
            assert ("Opened" in text(driver, "train-verdict")) == rollout["success"]
    assert js(driver, "document.querySelector('#chart-success circle.dot') !== null")


def test_a_link_reproduces_its_view(driver, page):
    open_page(driver, page, "view=play&layout=5-8-9&model=hrm-final&told=go_to_door.1.4&step=2")
    assert js(driver, "document.getElementById('tab-play').getAttribute('aria-selected')") == "true"
    assert text(driver, "play-verdict").startswith("2 steps so far")
    assert "told" in text(driver, "play-told-note").lower()
    shown = text(driver, "view-play")
    # a view reached by clicking, then followed as a link in a fresh load, looks the same
    driver.find_element(By.ID, "tab-training").click()
    driver.find_element(By.ID, "train-scrub").send_keys(Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    link, before = js(driver, "location.hash"), text(driver, "view-training")
    open_page(driver, page, link.lstrip("#"))
    assert text(driver, "view-training") == before
    open_page(driver, page, "view=play&layout=5-8-9&model=hrm-final&told=go_to_door.1.4&step=2")
    assert text(driver, "view-play") == shown


def test_an_unknown_name_in_a_link_is_shown(driver, page):
    open_page(driver, page, "view=play&model=hrm-nope")
    assert "unknown model 'hrm-nope'" in text(driver, "banner")
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors and all("hrm-nope" in e for e in errors)


def pixel(image: Image.Image, driver, selector: str, fx: float = 0.5, fy: float = 0.5) -> str:
    """The colour on screen at a fraction (fx, fy) of the first element matching `selector`."""
    box = js(driver, "(r => [r.x, r.y, r.width, r.height])(document.querySelector(arguments[0])"
                     ".getBoundingClientRect())", selector)
    r, g, b = image.getpixel((round(box[0] + fx * box[2]), round(box[1] + fy * box[3])))[:3]
    return f"#{r:02X}{g:02X}{b:02X}"


def close(hex_a: str, hex_b: str, tolerance: int = 3) -> bool:
    a, b = (bytes.fromhex(h.lstrip("#")) for h in (hex_a, hex_b))
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


@pytest.mark.parametrize("theme", ["dark", "high_contrast"])
def test_the_screen_shows_the_films_colours(driver, page, theme):
    open_page(driver, page, f"view=play&layout=4-1-9&model=hrm-final&motion=reduced&theme={theme}")
    driver.execute_script("window.scrollTo(0, 0)")
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    colours = palette_colours(theme)
    expected = {
        "#play-brain .module.planner .bar-row.chosen .fill": colours["planner"],
        "#play-brain .module.doer .bar-row.chosen .fill": colours["doer"],
        "#play-track .cell[data-cell='6']": colours["background"],
    }
    for selector, colour in expected.items():
        assert close(pixel(image, driver, selector), colour), (selector, pixel(image, driver, selector), colour)
    assert close(pixel(image, driver, "#view-play .stage", 0.012, 0.5), colours["panel"])
    # the icons, sampled inside their shapes (the 40-unit icon grids of app.js ICONS)
    assert close(pixel(image, driver, "#play-track .token.door svg", 13 / 40, 30 / 40), colours["door"])
    assert close(pixel(image, driver, "#play-track .token.agent svg", 20 / 40, 28 / 40), colours["agent"])
    assert close(pixel(image, driver, "#play-track .token.key svg", 24 / 40, 20 / 40), colours["key"], 12)


def test_preferences_and_toggles(driver, page):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-reduced-motion", "value": "reduce"}, {"name": "prefers-contrast", "value": "more"}]})
    open_page(driver, page, "view=compare&layout=4-1-9")
    assert js(driver, "document.documentElement.dataset.theme") == "high_contrast"
    assert js(driver, "document.documentElement.dataset.motion") == "reduced"
    driver.find_element(By.ID, "toggle-contrast").click()
    assert js(driver, "document.documentElement.dataset.theme") == "dark"
    assert fragment(driver)["theme"] == "dark"
    assert driver.find_element(By.ID, "toggle-contrast").get_attribute("aria-pressed") == "false"


def test_compare_lines_up_every_model_in_step(driver, page, recording_dir):
    recorded = finals(recording_dir)
    layout = recorded["hrm"]["rollouts"][0]["layout"]
    open_page(driver, page, f"view=compare&layout={layout_id(layout)}&step=3")
    lanes = driver.find_elements(By.CSS_SELECTOR, "#compare-lanes .lane")
    assert [lane.get_attribute("data-variant") for lane in lanes] == \
        [v for v in companion.VARIANTS if v in recorded]
    driver.find_element(By.ID, "compare-controls").find_element(By.TAG_NAME, "input").send_keys(Keys.END)
    for lane in lanes:
        rollout = recorded[lane.get_attribute("data-variant")]["rollouts"][0]
        status = lane.find_element(By.CLASS_NAME, "lane-status").text
        assert f"{rollout['n_steps']} steps" in status
        assert ("not opened" not in status) == rollout["success"]


def test_metrics_agree_with_the_recording(driver, page, recording_dir):
    n_heldout = json.loads((recording_dir / "summary.json").read_text())["n_heldout"]
    for variant in ("hrm", "freeze_doer"):
        open_page(driver, page, f"view=metrics&model={variant}-final")
        recorded = finals(recording_dir)[variant]["metrics"]
        assert "equal to the recording" in text(driver, "metrics-agree")
        assert f"{recorded['heldout_solved']} of {n_heldout}" in text(driver, "metrics-figures")


def test_the_tutorial_shows_the_real_probabilities(driver, page, recording_dir):
    first = finals(recording_dir)["hrm"]["rollouts"][0]["steps"][0]
    open_page(driver, page, "view=tutorial&chapter=3&motion=reduced")
    widths = js(driver, "[...document.querySelectorAll('#tour-brain .fill')].map(f => parseFloat(f.style.width))")
    assert widths == pytest.approx([100 * p for p in first["planner_probs"] + first["doer_probs"]], abs=0.011)
    for _ in range(4):
        driver.find_element(By.ID, "tour-next").click()
    assert text(driver, "tour-title") == "A layout it never saw"
    assert driver.find_element(By.ID, "tour-links").is_displayed()
    assert js(driver, "document.querySelectorAll('#tour-dots .dot').length") == 7


def test_keyboard_operation(driver, page):
    open_page(driver, page, "view=play&layout=4-1-9")
    driver.find_element(By.ID, "tab-play").send_keys(Keys.ARROW_RIGHT)
    assert js(driver, "document.activeElement.id") == "tab-training" and fragment(driver)["view"] == "training"
    driver.find_element(By.ID, "tab-training").send_keys(Keys.ARROW_LEFT)
    agent_cell = driver.find_element(By.CSS_SELECTOR, "#play-track .cell[tabindex='0']")
    assert agent_cell.get_attribute("data-cell") == "4"
    agent_cell.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    focused = js(driver, "document.activeElement")
    assert focused.get_attribute("data-cell") == "6"
    assert js(driver, "getComputedStyle(document.activeElement).outlineStyle") != "none"   # visible focus
    focused.send_keys(Keys.ENTER)
    assert fragment(driver)["layout"] == "6-1-9"
