"""The Studio in a real headless Chromium against a real server: generate with progress and play the video, edit it
from the history, see a failure's code, survive a dropped stream, cancel, upload an image; the key stays in
sessionStorage only. Debian's chromium and chromium-driver (scripts/test.sh installs them), driven by selenium."""

from __future__ import annotations

import base64
import os
import shutil

import pytest

from tests.conftest import sdk_client

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = os.environ.get("OMNIREEL_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("OMNIREEL_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT_S = 30


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(downloads):
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        message = f"needs {CHROMIUM} and {CHROMEDRIVER} (Debian's chromium and chromium-driver; scripts/test.sh installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio",
                "--window-size=1280,1000", "--disable-extensions", "--no-first-run", "--disable-background-networking"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console errors, CSP violations among them
    # An explicit driver path: selenium never tries to download one.
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.set_script_timeout(WAIT_S)
    yield browser
    browser.quit()


@pytest.fixture
def studio(driver, server):
    """A fresh Studio page with this test's key typed in and the fake model selected at 360p, 3 s."""
    key = server.key("studio")
    driver.get(server.base_url + "/studio")
    driver.execute_script("sessionStorage.clear()")
    driver.get(server.base_url + "/studio")
    wait(driver, "document.documentElement.dataset.ready === 'true'")
    driver.find_element(By.ID, "api-key").send_keys(key)
    wait(driver, "[...document.querySelectorAll('#model option')].some(o => o.value === 'omnireel-fake')")
    Select(driver.find_element(By.ID, "model")).select_by_value("omnireel-fake")
    Select(driver.find_element(By.ID, "resolution")).select_by_value("360p")
    duration = driver.find_element(By.ID, "duration")
    duration.clear()
    duration.send_keys("3")
    return driver, key


def wait(driver, condition: str, timeout: float = WAIT_S):
    """Wait until the JavaScript expression is truthy; returns its value."""
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(f"return ({condition});"), message=condition)


def generate(driver, prompt: str) -> None:
    box = driver.find_element(By.ID, "prompt")
    box.clear()
    box.send_keys(prompt)
    driver.find_element(By.ID, "generate").click()


def text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


LOADED = ("(() => { const v = document.getElementById('player'); return !document.getElementById('output').hidden "
          "&& v.dataset.interactionId === %s && v.readyState >= 1 && v.videoWidth > 0; })()")


def wait_for_video(driver, interaction_id: str) -> dict:
    wait(driver, LOADED % repr(interaction_id))
    return driver.execute_script(
        "const v = document.getElementById('player');"
        "return {src: v.currentSrc, duration: v.duration, width: v.videoWidth, height: v.videoHeight};")


def run_id(driver) -> str:
    return wait(driver, "(() => { const t = document.getElementById('run-id').textContent; "
                        "return t.startsWith('v1_') ? t : null; })()")


def assert_key_kept_private(driver, key: str) -> None:
    assert key not in driver.current_url
    stored = driver.execute_script(
        "return {local: Object.keys(localStorage).map(k => k + '=' + localStorage.getItem(k)).join(';'),"
        " session: sessionStorage.getItem('omnireel.studio.key'), cookie: document.cookie,"
        " urls: performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))"
        "   .map(e => e.name)};")
    assert stored["local"] == "" and stored["cookie"] == ""
    assert stored["session"] == key
    assert stored["urls"] and not [u for u in stored["urls"] if key in u or "key=" in u]


def test_generate_shows_progress_and_plays_then_edit_from_history(studio, server):
    driver, key = studio
    # Record every value the progress bar takes (the stream may move it faster than a poll could see).
    driver.execute_script(
        "window.seen = []; const p = document.getElementById('progress');"
        "new MutationObserver(() => window.seen.push([Number(p.value),"
        "  document.getElementById('progress-text').textContent])).observe(p, {attributes: true});")
    generate(driver, 'A neon sign that reads "OPEN STUDIO" [sleep=2]')
    first = run_id(driver)
    video = wait_for_video(driver, first)
    assert video["src"].startswith("blob:")
    assert abs(video["duration"] - 3.0) < 0.1 and (video["width"], video["height"]) == (640, 360)
    assert "fake render of 72 frames" in text(driver, "output-text")
    seen = driver.execute_script("return window.seen;")
    percents = [p for p, _ in seen]
    assert any(0 < p < 100 for p in percents), seen
    assert percents[-1] == 100, seen
    assert any("render" in label and "%" in label for _, label in seen), seen
    assert wait(driver, "document.getElementById('run-status').textContent") == "completed"

    # The history lists it; Edit continues from it with a new prompt.
    card = f"#history-list [data-interaction-id='{first}']"
    wait(driver, f"document.querySelector(\"{card}\")?.dataset.status === 'completed'")
    driver.find_element(By.CSS_SELECTOR, f"{card} [data-action='edit']").click()
    assert driver.find_element(By.ID, "continue-banner").is_displayed()
    assert first in text(driver, "continue-text")
    assert driver.switch_to.active_element == driver.find_element(By.ID, "prompt")  # keyboard users land there
    assert text(driver, "generate") == "Edit"
    generate(driver, "make it warmer")
    wait(driver, f"(() => {{ const t = document.getElementById('run-id').textContent; "
                 f"return t.startsWith('v1_') && t !== '{first}'; }})()")
    second = run_id(driver)
    video = wait_for_video(driver, second)
    assert abs(video["duration"] - 3.0) < 0.1 and video["width"] == 640  # the source's size and duration
    sdk = sdk_client(server, key)  # kept in a variable: a client collected mid-call closes its connection pool
    edited = sdk.interactions.get(id=second)
    assert edited.status == "completed"
    assert edited.previous_interaction_id == first
    assert edited.model_dump()["task"] == "edit"
    assert not driver.find_element(By.ID, "continue-banner").is_displayed()  # back to fresh generation
    wait(driver, f"document.querySelectorAll('#history-list [data-interaction-id]').length === 2")
    assert_key_kept_private(driver, key)


def test_failed_generation_shows_the_error_code(studio):
    driver, key = studio
    generate(driver, "a violin <b>bold</b> [fail=capability_missing]")
    interaction_id = run_id(driver)
    wait(driver, "!document.getElementById('error').hidden")
    assert text(driver, "error-code") == "capability_missing"
    assert "fake engine" in text(driver, "error-message")
    assert not driver.find_element(By.ID, "output").is_displayed()
    card = f"#history-list [data-interaction-id='{interaction_id}']"
    wait(driver, f"document.querySelector(\"{card}\")?.dataset.status === 'failed'")
    assert "capability_missing" in driver.find_element(By.CSS_SELECTOR, card).text
    # The prompt is shown as text, never parsed as markup.
    assert "<b>bold</b>" in driver.find_element(By.CSS_SELECTOR, card).text
    assert driver.execute_script("return document.querySelector('#history-list b');") is None
    assert_key_kept_private(driver, key)


def test_a_dropped_stream_is_resumed_from_the_last_event(studio):
    driver, key = studio
    # Cut the first create stream right after a chunk holding a status update, as a dropped connection would.
    driver.execute_script("""
        const original = window.fetch;
        window.cut = false;
        window.fetch = async (input, init) => {
          const response = await original(input, init);
          if (window.cut || !(init && init.method === 'POST' && String(input) === '/v1beta/interactions')) return response;
          window.cut = true;
          const reader = response.body.getReader();
          let drop = false;
          const body = new ReadableStream({
            async pull(controller) {
              if (drop) { reader.cancel(); controller.error(new TypeError('network error')); return; }
              const { value, done } = await reader.read();
              if (done) { controller.close(); return; }
              controller.enqueue(value);
              drop = new TextDecoder().decode(value).includes('interaction.status_update');
            },
          });
          return new Response(body, { status: response.status, headers: response.headers });
        };""")
    generate(driver, 'A title that reads "AGAIN" [sleep=1.5]')
    interaction_id = run_id(driver)
    wait_for_video(driver, interaction_id)
    assert driver.execute_script("return window.cut;")
    resumed = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(u => u.includes('last_event_id='));")
    assert resumed and all(f"/v1beta/interactions/{interaction_id}?stream=true&last_event_id=evt_" in u for u in resumed)
    assert text(driver, "output-text").count("fake render of 72 frames") == 1  # no event applied twice
    assert_key_kept_private(driver, key)


def test_cancel_a_running_generation(studio, server):
    driver, key = studio
    generate(driver, "a long one [sleep=60]")
    interaction_id = run_id(driver)
    wait(driver, "document.getElementById('run-status').textContent === 'in_progress'")
    driver.find_element(By.ID, "run-cancel").click()
    wait(driver, "!document.getElementById('error').hidden")
    assert text(driver, "error-code") == "cancelled"
    sdk = sdk_client(server, key)
    assert sdk.interactions.get(id=interaction_id).status == "cancelled"


def test_uploaded_image_shows_a_thumbnail_and_becomes_the_first_frame(studio, server, tmp_path):
    from PIL import Image

    driver, key = studio
    path = tmp_path / "frame.png"
    Image.new("RGB", (64, 48), (200, 40, 90)).save(path)
    driver.find_element(By.ID, "images").send_keys(str(path))
    wait(driver, "document.querySelector('#image-list .state')?.dataset.state === 'ready'")
    thumb = driver.find_element(By.CSS_SELECTOR, "#image-list img")
    assert thumb.get_attribute("src").startswith("blob:")
    assert wait(driver, "document.querySelector('#image-list img').naturalWidth") == 64
    assert Select(driver.find_element(By.CSS_SELECTOR, "#image-list select")).first_selected_option.text == "First frame"
    assert driver.find_element(By.ID, "video").get_attribute("disabled") is not None  # images or a video, not both
    generate(driver, "slow push in")
    interaction_id = run_id(driver)
    wait_for_video(driver, interaction_id)
    sdk = sdk_client(server, key)
    created = sdk.interactions.get(id=interaction_id, include_input=True)
    assert created.model_dump()["task"] == "image_to_video"
    sent = created.model_dump()["input"]  # the blocks as sent (the SDK would have wrapped them in a user_input step)
    blocks = [b for item in sent for b in (item["content"] if item.get("type") == "user_input" else [item])]
    assert [b["type"] for b in blocks] == ["image", "text"] and "/files/" in blocks[0]["uri"]


def test_uploaded_video_is_extended_and_downloaded(studio, server, tmp_path, downloads):
    driver, key = studio
    sdk = sdk_client(server, key)
    source = sdk.interactions.create(model="omnireel-fake", input="a clip to extend",
                                     response_format={"type": "video", "resolution": "360p", "duration": "3s"})
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(base64.b64decode(source.output_video.data))
    driver.find_element(By.ID, "video").send_keys(str(clip))
    wait(driver, "document.getElementById('video-state').dataset.state === 'ready'")
    assert driver.find_element(By.ID, "images").get_attribute("disabled") is not None
    Select(driver.find_element(By.ID, "video-task")).select_by_value("extend")
    generate(driver, "keep the camera moving")
    interaction_id = run_id(driver)
    wait_for_video(driver, interaction_id)
    extended = sdk.interactions.get(id=interaction_id, include_input=True).model_dump()
    assert extended["task"] == "extend"
    blocks = [b for item in extended["input"] for b in (item["content"] if item.get("type") == "user_input" else [item])]
    assert [b["type"] for b in blocks] == ["video", "text"]

    # Download from the history card: the file lands with the interaction's id as its name.
    driver.find_element(By.CSS_SELECTOR, f"#history-list [data-interaction-id='{interaction_id}'] "
                                         "[data-action='download']").click()
    target = downloads / f"{interaction_id}.mp4"
    WebDriverWait(driver, WAIT_S, poll_frequency=0.05).until(lambda _: target.exists() and target.stat().st_size > 0)
    produced = sdk.files.download(file=extended["steps"][-1]["content"][0]["uri"].split("/v1beta/")[1])
    WebDriverWait(driver, WAIT_S, poll_frequency=0.05).until(lambda _: target.stat().st_size == len(produced))
    assert target.read_bytes() == produced


def test_phone_width_and_labelled_controls(studio):
    driver, _ = studio
    try:
        driver.set_window_size(390, 844)
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
        unlabelled = driver.execute_script(
            "return [...document.querySelectorAll('input, select, textarea, button')]"
            ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())"
            ".map(e => e.id || e.outerHTML.slice(0, 80));")
        assert unlabelled == []
        # Keyboard: the prompt is reachable and Ctrl+Enter is wired (an empty prompt gets a message, no request).
        driver.find_element(By.ID, "prompt").clear()
        driver.execute_script("document.getElementById('prompt').focus()")
        from selenium.webdriver.common.keys import Keys

        driver.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)
        assert wait(driver, "document.getElementById('form-error')?.textContent") == "Write a prompt first."
    finally:
        driver.set_window_size(1280, 1000)


def test_page_loads_without_a_key(driver, server):
    driver.get_log("browser")  # forget what earlier tests logged
    driver.get(server.base_url + "/studio")
    driver.execute_script("sessionStorage.clear()")
    driver.get(server.base_url + "/studio")
    wait(driver, "document.documentElement.dataset.ready === 'true'")
    assert text(driver, "model-help") == "Enter an API key to list the models."
    assert driver.find_element(By.ID, "generate").is_enabled()
    try:
        logs = driver.get_log("browser")
    except WebDriverException:
        logs = []
    # Only the expected 401 of the models list; no CSP violation or script error.
    assert not [entry for entry in logs if entry["level"] == "SEVERE" and "401" not in entry["message"]], logs


def test_keyless_local_server_needs_no_key(driver, server_factory):
    local = server_factory(env={"OMNIREEL_ALLOW_KEYLESS": "1", "OMNIREEL_WORKERS": "1"})
    driver.get(local.base_url + "/studio")
    driver.execute_script("sessionStorage.clear()")
    driver.get(local.base_url + "/studio")
    wait(driver, "[...document.querySelectorAll('#model option')].some(o => o.value === 'omnireel-fake')")
    Select(driver.find_element(By.ID, "model")).select_by_value("omnireel-fake")
    Select(driver.find_element(By.ID, "resolution")).select_by_value("360p")
    duration = driver.find_element(By.ID, "duration")
    duration.clear()
    duration.send_keys("3")
    generate(driver, "no key needed here")
    video = wait_for_video(driver, run_id(driver))
    assert abs(video["duration"] - 3.0) < 0.1
    assert driver.execute_script("return sessionStorage.getItem('omnireel.studio.key');") is None
