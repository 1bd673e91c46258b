//! A headless-browser harness: loads a local HTML page in Chromium, lets its scripts run, and hands back
//! the DOM after scripts, the console messages, the uncaught errors and a PNG screenshot.
//!
//! Chromium is driven directly with `std::process::Command` (no node, no WebDriver). One run does both
//! jobs: `--dump-dom` prints the serialised DOM on stdout and `--screenshot` writes the PNG, both after
//! the `--virtual-time-budget` has elapsed, so timers set by the page have fired by then.
//!
//! What Chromium 156 (Debian 12 package) prints, checked by hand with a page that calls `console.log`,
//! `console.error` and throws:
//!
//! ```text
//! [8504:8504:1124/171341.870201:INFO:CONSOLE:3] "hello", source: file:///tmp/cx/p.html (3)
//! [8504:8504:1124/171341.870252:INFO:CONSOLE:6] "bad", source: file:///tmp/cx/p.html (6)
//! [8504:8504:1124/171341.870261:INFO:CONSOLE:7] "multi
//! line", source: file:///tmp/cx/p.html (7)
//! [8504:8504:1124/171341.870271:INFO:CONSOLE:9] "Uncaught Error: boom", source: file:///tmp/cx/p.html (9)
//! [9318:9318:1124/171405.631575:INFO:CONSOLE:5] "Uncaught (in promise) Error: rej", source: file:///tmp/cx/q.html (5)
//! ```
//!
//! - Every message from a web page is logged at level INFO whatever the console method: Chromium only
//!   keeps the real level for its built-in components. So `console.error("bad")` cannot be told apart
//!   from `console.log("bad")`; it lands in [`Rendered::console`] only. Uncaught exceptions and unhandled
//!   promise rejections start with "Uncaught" and land in [`Rendered::errors`] too. A bracket level of
//!   ERROR (or FATAL) also counts as an error, for builds that do keep the level.
//! - Older Chromium writes `INFO:CONSOLE(3)` instead of `INFO:CONSOLE:3`; both are parsed.
//! - A message with a newline goes on over several stderr lines, up to the `", source: URL (LINE)` tail.
//! - A script that fails to load (`file://` 404) prints nothing to the console.
//! - The rest of stderr is noise to ignore (D-Bus, VA-API, sandbox warnings, the Debian launcher's
//!   `[: ...: unexpected operator` from `/etc/chromium.d/dev-shm`, "N bytes written to file ...").
//!
//! Flags: plain `--headless` is the new headless mode in this version; `--headless=new` behaves the
//! same, and `--headless=old` is accepted silently but the old mode left Chrome in version 132 (it is
//! now the separate `chrome-headless-shell`). `--no-sandbox` is needed as root and in containers;
//! `--disable-dev-shm-usage` keeps Chromium off a small container `/dev/shm`. A render takes about
//! 0.6 s of wall time.
//!
//! Without a browser (no `CONSOLIDATE_CHROMIUM` and none of the usual paths) [`render`] prints
//! `skipped: ...` and returns `None`, and the tests return early. CI installs one with
//! `apt-get install -y chromium`, so there a browser that is present but fails is a test failure.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one Chromium run may take before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Where a browser is looked for when `CONSOLIDATE_CHROMIUM` is not set, in order.
const CANDIDATES: [&str; 3] = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
];

/// The eight bytes every PNG file starts with.
const PNG_MAGIC: [u8; 8] = *b"\x89PNG\r\n\x1a\n";

/// The flags of every run, apart from the profile folder, the screenshot and the page.
const FLAGS: [&str; 14] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    // Virtual time: the page's timers run as fast as possible until 5 s of page time have passed.
    "--virtual-time-budget=5000",
    "--hide-scrollbars",
    "--dump-dom",
];

/// The browser to use: `CONSOLIDATE_CHROMIUM` if set (trusted as given, so a wrong path is a failure
/// rather than a skip), else the first of `/usr/bin/chromium`, `/usr/bin/chromium-browser` and
/// `/usr/bin/google-chrome` that exists; `None` when there is none.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CONSOLIDATE_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    CANDIDATES.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// A page as the browser left it.
#[derive(Debug)]
pub struct Rendered {
    /// The serialised DOM after the scripts ran (inline script source included).
    pub dom: String,
    /// Every console message, in order, as its text only (no source or line).
    pub console: Vec<String>,
    /// The console messages that are errors: uncaught exceptions and rejections ("Uncaught ..."), and any
    /// logged at level ERROR. `console.error` is not among them (see the module docs).
    pub errors: Vec<String>,
    /// The absolute path of the screenshot, a PNG of the requested size.
    pub screenshot: PathBuf,
}

/// Loads `html` in headless Chromium with a `size` = (width, height) window, runs its scripts for up to
/// 5 s of virtual time, and writes a PNG screenshot to `screenshot` (replaced if present).
///
/// Returns `None`, after printing `skipped: ...`, when no browser is found. Panics when the browser is
/// there but fails: a non-zero exit, more than a minute, no DOM, or no PNG.
pub fn render(html: &Path, screenshot: &Path, size: (u32, u32)) -> Option<Rendered> {
    let Some(browser) = chromium() else {
        eprintln!(
            "skipped: no headless browser: CONSOLIDATE_CHROMIUM is unset and none of {} exists \
             (apt-get install chromium)",
            CANDIDATES.join(", ")
        );
        return None;
    };
    let page = html
        .canonicalize()
        .unwrap_or_else(|e| panic!("page {} to render: {e}", html.display()));
    let screenshot = std::path::absolute(screenshot)
        .unwrap_or_else(|e| panic!("screenshot path {}: {e}", screenshot.display()));
    match std::fs::remove_file(&screenshot) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => panic!("removing the old screenshot {}: {e}", screenshot.display()),
    }
    // A fresh profile per run: no state shared between tests running in parallel, nothing left behind.
    let profile = tempfile::tempdir().expect("a temporary folder for the browser profile");

    let mut command = Command::new(&browser);
    command
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("--window-size={},{}", size.0, size.1))
        .arg(file_url(&page));
    let (status, stdout, stderr) = run_with_timeout(command, &browser);

    let stderr = String::from_utf8_lossy(&stderr);
    let fail = |what: &str| -> ! {
        panic!(
            "{} rendering {}: {what}\n--- last lines of stderr ---\n{}",
            browser.display(),
            page.display(),
            tail(&stderr, 40)
        )
    };
    if !status.success() {
        fail(&format!("the browser exited with {status}"));
    }
    let dom = String::from_utf8(stdout).unwrap_or_else(|_| fail("the DOM on stdout is not UTF-8"));
    if !dom.contains("<html") {
        fail("no DOM on stdout");
    }
    let png = std::fs::read(&screenshot)
        .unwrap_or_else(|e| fail(&format!("no screenshot at {}: {e}", screenshot.display())));
    if !png.starts_with(&PNG_MAGIC) {
        fail(&format!("{} is not a PNG", screenshot.display()));
    }
    let (console, errors) = parse_console(&stderr);
    Some(Rendered {
        dom,
        console,
        errors,
        screenshot,
    })
}

/// How many times `needle` occurs in `dom`, without overlaps, e.g. `count(&r.dom, "class=\"site-marker")`.
/// The dump holds inline script source too, so pick a needle the scripts do not spell out.
pub fn count(dom: &str, needle: &str) -> usize {
    assert!(!needle.is_empty(), "counting an empty needle");
    dom.matches(needle).count()
}

/// Runs `command` with stdout and stderr captured, killing it (and the processes it started) after
/// [`TIMEOUT`]. Panics when it cannot start or runs out of time.
fn run_with_timeout(mut command: Command, browser: &Path) -> (ExitStatus, Vec<u8>, Vec<u8>) {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so a hung browser can be killed together with its renderer and GPU processes.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", browser.display()));

    // Drain both pipes on threads, so a full pipe cannot stall the browser.
    let (out_tx, out_rx) = mpsc::channel();
    let (err_tx, err_rx) = mpsc::channel();
    let drain = |mut pipe: Box<dyn Read + Send>, tx: mpsc::Sender<Vec<u8>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            let _ = tx.send(bytes);
        });
    };
    drain(Box::new(child.stdout.take().expect("piped stdout")), out_tx);
    drain(Box::new(child.stderr.take().expect("piped stderr")), err_tx);

    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                // The child is not reaped yet, so its pid is still the id of its process group.
                #[cfg(unix)]
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                let stderr = err_rx
                    .recv_timeout(Duration::from_secs(2))
                    .unwrap_or_default();
                panic!(
                    "{} did not finish within {TIMEOUT:?} and was killed\n--- last lines of stderr ---\n{}",
                    browser.display(),
                    tail(&String::from_utf8_lossy(&stderr), 40)
                );
            }
            Err(e) => panic!("waiting for {}: {e}", browser.display()),
        }
    };
    // A leftover helper process could keep a pipe open: wait for the output only until the deadline.
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_secs(5));
    let stdout = out_rx
        .recv_timeout(left)
        .unwrap_or_else(|_| panic!("{} exited but its stdout never closed", browser.display()));
    let stderr = err_rx.recv_timeout(left).unwrap_or_default();
    (status, stdout, stderr)
}

/// The `file://` URL of an absolute path, percent-encoding every byte outside `A-Z a-z 0-9 - . _ ~ /`.
fn file_url(path: &Path) -> String {
    let text = path
        .to_str()
        .unwrap_or_else(|| panic!("page path {} is not UTF-8", path.display()));
    let mut url = String::from("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// The console messages in Chromium's stderr and, of those, the errors (see the module docs for the
/// format). Returns (all messages, errors).
fn parse_console(stderr: &str) -> (Vec<String>, Vec<String>) {
    let mut console = Vec::new();
    let mut errors = Vec::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        let Some((level, first)) = console_start(line) else {
            continue;
        };
        // A message with newlines continues on the following lines, up to its `", source: ... (N)` tail.
        let mut record = first.to_string();
        while message_of(&record).is_none() {
            match lines.next() {
                Some(next) => {
                    record.push('\n');
                    record.push_str(next);
                }
                None => break,
            }
        }
        let message = match message_of(&record) {
            Some(message) => message.to_string(),
            None => first.strip_prefix('"').unwrap_or(first).to_string(),
        };
        if level == "ERROR" || level == "FATAL" || message.starts_with("Uncaught") {
            errors.push(message.clone());
        }
        console.push(message);
    }
    (console, errors)
}

/// For a line that starts a console message, `[pid:tid:time:LEVEL:CONSOLE:N] rest` (or the older
/// `...:LEVEL:CONSOLE(N)] rest`), its level and the rest after the bracket.
fn console_start(line: &str) -> Option<(&str, &str)> {
    let inner = line.strip_prefix('[')?;
    let (prefix, rest) = inner.split_once("] ")?;
    let fields: Vec<&str> = prefix.split(':').collect();
    let at = fields
        .iter()
        .position(|f| *f == "CONSOLE" || f.starts_with("CONSOLE("))?;
    let level = fields.get(at.checked_sub(1)?)?;
    Some((level, rest))
}

/// The message text of a complete record `"TEXT", source: URL (N)`; `None` until the tail is there.
fn message_of(record: &str) -> Option<&str> {
    let body = record.strip_suffix(')')?;
    let open = body.rfind(" (")?;
    let line_no = &body[open + 2..];
    if line_no.is_empty() || !line_no.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let source_at = body[..open].rfind("\", source: ")?;
    body[..source_at].strip_prefix('"')
}

/// The last `n` lines of `text`, for failure messages.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The width and height in a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.len() > 24 && png.starts_with(&PNG_MAGIC), "not a PNG");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[test]
fn clean_page_draws_its_markers() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("markers.html");
    std::fs::write(
        &page,
        r##"<!doctype html>
<html><head><meta charset="utf-8"><title>markers</title></head>
<body style="margin:0;background:#fff">
<svg id="map" width="320" height="200" xmlns="http://www.w3.org/2000/svg"></svg>
<script>
const svg = document.getElementById("map");
for (const [x, y] of [[60, 50], [160, 100], [260, 150]]) {
  const c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
  c.setAttribute("class", "site" + "-marker");
  c.setAttribute("cx", x);
  c.setAttribute("cy", y);
  c.setAttribute("r", 12);
  c.setAttribute("fill", "#c00");
  svg.appendChild(c);
}
console.log("markers drawn");
document.body.dataset.ready = "yes";
</script>
</body></html>
"##,
    )
    .unwrap();
    let Some(r) = render(&page, &dir.path().join("markers.png"), (400, 300)) else {
        return;
    };
    assert!(r.errors.is_empty(), "errors: {:?}", r.errors);
    assert_eq!(r.console, ["markers drawn"], "console: {:?}", r.console);
    assert_eq!(count(&r.dom, "class=\"site-marker"), 3, "DOM:\n{}", r.dom);
    assert!(r.dom.contains("data-ready=\"yes\""), "DOM:\n{}", r.dom);
    let png = std::fs::read(&r.screenshot).unwrap();
    assert!(png.len() > PNG_MAGIC.len() && png.starts_with(&PNG_MAGIC));
    assert_eq!(png_size(&png), (400, 300));
}

#[test]
fn uncaught_error_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("boom.html");
    std::fs::write(
        &page,
        r#"<!doctype html>
<html><body>
<script>console.log("before");</script>
<script>throw new Error("boom");</script>
</body></html>
"#,
    )
    .unwrap();
    let Some(r) = render(&page, &dir.path().join("boom.png"), (200, 100)) else {
        return;
    };
    assert!(
        r.errors.iter().any(|e| e.contains("boom")),
        "errors: {:?}, console: {:?}",
        r.errors,
        r.console
    );
    assert!(
        r.console.iter().any(|m| m == "before"),
        "console: {:?}",
        r.console
    );
    assert!(!r.errors.iter().any(|e| e == "before"));
}

#[test]
fn console_lines_are_parsed_without_a_browser() {
    let stderr = "\
/usr/bin/chromium: 9: [: 25276502016: unexpected operator
[8504:8533:1124/171341.521114:ERROR:dbus/bus.cc:405] Failed to connect to the bus
[8504:8504:1124/171341.870201:INFO:CONSOLE:3] \"hello\", source: file:///tmp/p.html (3)
[8504:8504:1124/171341.870261:INFO:CONSOLE:7] \"multi
line (1)\", source: file:///tmp/p.html (7)
[8504:8504:1124/171341.870271:INFO:CONSOLE:9] \"Uncaught Error: boom\", source: file:///tmp/p.html (9)
[1124/171341.870300:ERROR:CONSOLE(12)] \"bad \"quoted\"\", source: file:///tmp/p.html (12)
1321 bytes written to file /tmp/shot.png
";
    let (console, errors) = parse_console(stderr);
    assert_eq!(
        console,
        [
            "hello",
            "multi\nline (1)",
            "Uncaught Error: boom",
            "bad \"quoted\""
        ]
    );
    assert_eq!(errors, ["Uncaught Error: boom", "bad \"quoted\""]);
    assert_eq!(count("aaaa", "aa"), 2);
    assert_eq!(
        file_url(Path::new("/tmp/a b/é.html")),
        "file:///tmp/a%20b/%C3%A9.html"
    );
}
