#!/usr/bin/python3
"""console.py - the officers' console in headless Chromium (Selenium)

Runs against a diemtua serve started by tests/browser/run.sh, with a stub
aggregator (here, in a thread) that records every SMS sent. Follows a
dispute from the member's SAI SMS to its resolution and the member's SMS
at the stub; checks that another commune's item is refused, that a POST
without the CSRF token is refused and that wrong passwords lock an
account. Screenshots of each page at 360 px and at desktop width go to
build/screenshots/.

    console.py SMS_URL CONSOLE_URL STUB_PORT DB_PATH SHOTS_DIR
"""
import http.server
import json
import os
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

SMS_URL, CONSOLE, STUB_PORT, DB, SHOTS = sys.argv[1:6]
SENT = []
LOCK = threading.Lock()
FAILS = []


class Stub(http.server.BaseHTTPRequestHandler):
    """Kannel's sendsms: every request recorded, 202 accepted."""

    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        with LOCK:
            SENT.append({k: v[0] for k, v in q.items()})
        body = b"0: Accepted for delivery"
        self.send_response(202)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        FAILS.append(what)


def sms(msg_id, phone, text):
    q = urllib.parse.urlencode({"id": msg_id, "from": phone, "text": text})
    with urllib.request.urlopen(SMS_URL + "&" + q, timeout=10) as r:
        return r.status


def wait_sent(pred, seconds=15):
    end = time.time() + seconds
    while time.time() < end:
        with LOCK:
            hit = [m for m in SENT if pred(m)]
        if hit:
            return hit
        time.sleep(0.2)
    return []


def item_id(code):
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True, timeout=10)
    try:
        row = con.execute("SELECT id FROM collections WHERE receipt_code = ?",
                          (code,)).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def receipt_code(phone):
    """The code in the receipt SMS sent to phone ("... Sai: SAI CODE")."""
    tail = phone[-9:]
    hit = wait_sent(lambda m: m.get("to", "").endswith(tail)
                    and " SAI " in m.get("text", ""))
    return hit[-1]["text"].rsplit(" ", 1)[-1] if hit else None


def browser(width, height):
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=%d,%d" % (width, height),
              "--lang=vi"):
        opts.add_argument(a)
    if width < 500:
        opts.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height,
                              "pixelRatio": 2.0}})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                            options=opts)


def shot(drv, name):
    path = os.path.join(SHOTS, name + ".png")
    drv.save_screenshot(path)
    return path


def settle(drv, pred, seconds=10):
    """Waits for the page after a click (a POST, its 303, the GET)."""
    try:
        WebDriverWait(drv, seconds).until(lambda d: pred(d))
        return True
    except Exception:  # a timeout: the check that follows says what
        return False


def login(drv, user, password):
    drv.get(CONSOLE + "/login")
    drv.find_element(By.ID, "user").clear()
    drv.find_element(By.ID, "user").send_keys(user)
    drv.find_element(By.ID, "password").send_keys(password)
    old = drv.find_element(By.TAG_NAME, "html")
    drv.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    settle(drv, lambda d: old != d.find_element(By.TAG_NAME, "html"))


def people(drv, tag, id_a):
    """From the dispute to the member's page and her leader's page."""
    drv.get(CONSOLE + "/item/%d/DISPUTE" % id_a)
    drv.find_element(By.CSS_SELECTOR, ".facts a[href^='/member/']").click()
    settle(drv, lambda d: "/member/" in d.current_url)
    src = drv.page_source
    check("<h1>Nguyễn Thị Hồng</h1>" in src, tag + ": her member page")
    check("0961204837" in src, tag + ": her whole number, on her page")
    check("sai roi, em chua dua tien" in src,
          tag + ": her SAI text in the timeline")
    check("Kết quả xử lý" in src and "da xac minh" in src,
          tag + ": the resolution SMS in the timeline")
    shot(drv, "console-member-" + ("desktop" if tag == "after" else tag))
    drv.find_element(By.CSS_SELECTOR, ".facts a[href^='/leader/']").click()
    settle(drv, lambda d: "/leader/" in d.current_url)
    src = drv.page_source
    check("Tổ trưởng Trương Thị Mỹ Dung" in src, tag + ": her leader's page")
    check("Thành viên báo sai: 1" in src,
          tag + ": the dispute is counted among the leader's signs")
    shot(drv, "console-leader-" + ("desktop" if tag == "after" else tag))
    drv.get(CONSOLE + "/search?q=h%E1%BB%93ng")
    check("Nguyễn Thị Hồng" in drv.page_source, tag + ": the search finds her")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(STUB_PORT)), Stub)
    threading.Thread(target=srv.serve_forever, daemon=True).start()

    # A leader of each commune records; each member disputes in her words.
    check(sms("b1", "0913482615", "THU 2 220k 20k 1234") == 200,
          "the leader's THU is acknowledged")
    code_a = receipt_code("0961204837")
    check(code_a is not None, "the member's receipt reached the stub (%s)"
          % code_a)
    check(sms("b2", "0961204837", "sai roi, em chua dua tien") == 200,
          "the member's SAI in her own words is acknowledged")
    check(sms("b3", "0912700101", "THU 2 100k 0 4321") == 200,
          "the other commune's leader records too")
    code_b = receipt_code("0912700102")
    check(sms("b4", "0912700102", "SAI " + (code_b or "")) == 200,
          "the other commune's member disputes")
    id_a, id_b = item_id(code_a), item_id(code_b)
    check(id_a is not None and id_b is not None, "both receipts are stored")

    # desktop first, then the phone, which resolves; then desktop again
    for width, height, tag in ((1280, 900, "desktop"), (360, 800, "360"),
                               (1280, 900, "after")):
        drv = browser(width, height)
        try:
            drv.get(CONSOLE + "/login")
            if tag != "after":
                shot(drv, "console-login-" + tag)
            check("Đăng nhập" in drv.page_source, tag + ": the login page")
            login(drv, "canbo", "demo-officer-2026")
            check(drv.current_url.rstrip("/") == CONSOLE.rstrip("/"),
                  tag + ": logged in, on the commune's home")
            if tag != "after":
                shot(drv, "console-home-" + tag)
            drv.get(CONSOLE + "/queue")
            src = drv.page_source
            check("Tô Thị Sen" not in src,
                  tag + ": no item of another commune in the queue")
            if tag == "after":
                check(('/item/%d/DISPUTE"' % id_a) not in src,
                      "the resolved item left the queue")
                shot(drv, "console-queue-after-desktop")
                drv.get(CONSOLE + "/item/%d/DISPUTE" % id_a)
                check("Đã xử lý: Thành viên đúng" in drv.page_source,
                      "the decision stays on the item's page")
                shot(drv, "console-resolved-desktop")
            else:
                check("sai roi, em chua dua tien" in src,
                      tag + ": the dispute is in the queue with her words")
                check("0961***837" in src and "0961204837" not in src,
                      tag + ": the phone is masked in the list")
                shot(drv, "console-queue-" + tag)
                drv.find_element(
                    By.CSS_SELECTOR,
                    'a[href="/item/%d/DISPUTE"]' % id_a).click()
                settle(drv, lambda d: "/item/" in d.current_url)
                check("phiếu " + code_a in drv.page_source,
                      tag + ": the item page of the dispute")
                shot(drv, "console-item-" + tag)
            # another commune's item, by URL: refused like a missing one
            drv.get(CONSOLE + "/item/%d/DISPUTE" % id_b)
            check("Không tìm thấy" in drv.page_source,
                  tag + ": another commune's item is refused")
            if tag == "360":
                # a POST without the CSRF token, with the session cookie
                cookie = "; ".join("%s=%s" % (c["name"], c["value"])
                                   for c in drv.get_cookies())
                req = urllib.request.Request(
                    CONSOLE + "/item/%d/DISPUTE/resolve" % id_a,
                    data=b"outcome=MEMBER&note=forged",
                    headers={"Cookie": cookie})
                try:
                    urllib.request.urlopen(req, timeout=10)
                    status = 200
                except urllib.error.HTTPError as e:
                    status = e.code
                check(status == 403, "a POST without the CSRF token: 403")
                # resolve, as the officer would
                drv.get(CONSOLE + "/item/%d/DISPUTE" % id_a)
                drv.find_element(
                    By.CSS_SELECTOR, 'input[value="MEMBER"]').click()
                drv.find_element(By.ID, "note").send_keys(
                    "Đã gọi chị Hồng; tổ trưởng nộp bù 240.000")
                drv.find_element(By.CSS_SELECTOR,
                                 "form.resolve button").click()
                settle(drv, lambda d: "Đã xử lý" in d.page_source)
                src = drv.page_source
                check("Đã xử lý: Thành viên đúng" in src,
                      "the item shows the decision")
                check("officer:canbo" in src,
                      "the officer's action is in the receipt's history")
                shot(drv, "console-resolved-360")
                got = wait_sent(lambda m: m.get("to", "").endswith(
                    "961204837") and "da xac minh" in m.get("text", ""))
                check(len(got) == 1,
                      "the member's resolution SMS reached the stub")
                leader = wait_sent(lambda m: m.get("to", "").endswith(
                    "913482615") and "da xac minh" in m.get("text", ""), 1)
                check(not leader, "the leader was told nothing")
            if tag in ("360", "after"):
                people(drv, tag, id_a)
            drv.find_element(By.CSS_SELECTOR, ".who button").click()
            settle(drv, lambda d: d.current_url.endswith("/login"))
            check(drv.current_url.endswith("/login"), tag + ": logged out")
        finally:
            drv.quit()

    # the commune's home, delivery, and the phone simulator
    for width, height, tag in ((360, 800, "360"), (1280, 900, "desktop")):
        drv = browser(width, height)
        try:
            login(drv, "canbo", "demo-officer-2026")
            drv.get(CONSOLE + "/")
            svgs = drv.find_elements(By.CSS_SELECTOR, "figure.chart svg")
            check(len(svgs) >= 3 and all(s.size["width"] > 0 for s in svgs),
                  tag + ": the home's charts render (%d)" % len(svgs))
            shot(drv, "console-home-" + tag)
            drv.get(CONSOLE + "/delivery")
            check("Nhà mạng (theo đầu số)" in drv.page_source,
                  tag + ": the delivery page")
            shot(drv, "console-delivery-" + tag)
            with LOCK:
                before = 0  # nothing for a training phone, ever
            drv.get(CONSOLE + "/simulator")
            drv.find_element(
                By.CSS_SELECTOR, 'option[value="+84909000102"]').click()
            drv.find_element(By.ID, "text").send_keys("so du a")
            drv.find_element(By.CSS_SELECTOR,
                             'button[value="sms"]').click()
            settle(drv, lambda d: "Bạn gửi" in d.page_source)
            check("Vay HN con no 20.000.000" in drv.page_source,
                  tag + ": a simulated SD answers in the simulator")
            drv.find_element(
                By.CSS_SELECTOR, 'option[value="+84909000101"]').click()
            drv.find_element(By.CSS_SELECTOR,
                             'button[value="dial"]').click()
            settle(drv, lambda d: "to truong" in d.page_source)
            check("NHCS to truong" in drv.page_source,
                  tag + ": a simulated USSD session opens the leader's menu")
            drv.find_element(By.ID, "text").send_keys("3")
            drv.find_element(By.CSS_SELECTOR,
                             'button[value="ussd"]').click()
            settle(drv, lambda d: "đã kết thúc" in d.page_source)
            check("Phiên USSD đã kết thúc" in drv.page_source,
                  tag + ": its TONG screen ends the session")
            shot(drv, "console-simulator-" + tag)
            time.sleep(1.5)
            with LOCK:
                mine = [m for m in SENT[before:]
                        if m.get("to", "").endswith(("909000101",
                                                     "909000102"))]
            check(not mine,
                  tag + ": the stub aggregator received nothing for the"
                  " training phones (%d)" % len(mine))
        finally:
            drv.quit()

    # an admin over every commune picks one: the home, then the queue
    # through the header, stay on it
    for width, height, tag in ((360, 800, "360"), (1280, 900, "desktop")):
        drv = browser(width, height)
        try:
            login(drv, "quantri", "demo-admin-2026!")
            drv.get(CONSOLE + "/")
            pick = Select(drv.find_element(By.CSS_SELECTOR,
                                           'select[name="xa"]'))
            check(len(pick.options) >= 4,
                  tag + ": the admin is offered every commune (%d)"
                  % (len(pick.options) - 1))
            pick.select_by_visible_text("Xã Lương Hòa (Huyện Bến Lức)")
            drv.find_element(By.CSS_SELECTOR, "form.view button").click()
            settle(drv, lambda d: "xa=" in d.current_url)
            src = drv.page_source
            check("Tổng quan các tổ: Xã Lương Hòa" in src and
                  "Tổ TK&amp;VV ấp Voi Lá" in src,
                  tag + ": the chosen commune's home")
            check("ấp An Hòa" not in src and "ấp An Thuận" not in src,
                  tag + ": no group of another commune on it")
            shot(drv, "console-commune-" + tag)
            drv.find_element(By.CSS_SELECTOR, 'nav a[href^="/queue"]').click()
            settle(drv, lambda d: "/queue" in d.current_url)
            src = drv.page_source
            check("xa=" in drv.current_url and
                  ('/item/%d/DISPUTE"' % id_b) in src and
                  ('/item/%d/DISPUTE"' % id_a) not in src,
                  tag + ": the header's queue is that commune's only")
            drv.get(CONSOLE + "/queue?xa=abc")
            check("Không tìm thấy" in drv.page_source,
                  tag + ": a commune that is not an id is refused")
        finally:
            drv.quit()

    # lockout: five wrong passwords, then even the right one waits
    drv = browser(360, 800)
    try:
        for _ in range(5):
            login(drv, "canbo2", "not-the-password")
        check("tạm khoá" in drv.page_source,
              "five wrong passwords lock the account, with a clear message")
        shot(drv, "console-locked-360")
        login(drv, "canbo2", "demo-officer2-2026")
        check("tạm khoá" in drv.page_source and
              drv.current_url.endswith("/login"),
              "the right password waits for the lock to end")
    finally:
        drv.quit()
    srv.shutdown()
    print("browser: %d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
