//! Inline SVG pictures for the offline HTML report: a map of the estate and two simple charts.
//!
//! Everything here is a pure function from plain data to a self-contained `<svg>` string: no scripts, no fonts or
//! images to fetch, colours given as presentation attributes (so the report's CSS may still override them through
//! the `class` names). The report must open from a file share with no network, which is why nothing is linked.
//! Coordinates are printed with at most one decimal to keep a map of a few thousand zones small.

use crate::domain::Borough;
use std::fmt::Write as _;

/// What the plan does with a site, as the map shows it.
#[derive(Debug, Clone)]
pub enum MapDecision {
    /// Kept by the plan's choice.
    Keep,
    /// Released (disposed of or lease ended) in the given plan year.
    Release {
        /// Plan year of the release, counting from 1.
        year: u32,
    },
    /// Kept because the inputs say it must be.
    MustKeep,
}

/// A site to draw on the map.
#[derive(Debug, Clone)]
pub struct MapSite {
    /// Site identifier.
    pub id: String,
    /// Site name.
    pub name: String,
    /// Owning partner.
    pub partner: String,
    /// Longitude (degrees).
    pub lon: f64,
    /// Latitude (degrees).
    pub lat: f64,
    /// The plan's decision for the site.
    pub decision: MapDecision,
}

/// A team move between two places, drawn as an arrow.
#[derive(Debug, Clone)]
pub struct MapMove {
    /// Origin (longitude, latitude).
    pub from: (f64, f64),
    /// Destination (longitude, latitude).
    pub to: (f64, f64),
    /// Headcount moved; the line's width grows with its square root.
    pub headcount: f64,
    /// Tooltip text, e.g. "Team A: S1 -> S4 (12 FTE)".
    pub label: String,
}

/// A population zone (e.g. an LSOA centroid) with its distance to the nearest kept public-facing site.
#[derive(Debug, Clone)]
pub struct MapZone {
    /// Zone identifier.
    pub id: String,
    /// Longitude (degrees).
    pub lon: f64,
    /// Latitude (degrees).
    pub lat: f64,
    /// Resident population.
    pub population: u64,
    /// Distance to the nearest kept public-facing site (km).
    pub nearest_km: f64,
    /// True when the zone is farther than the access distance from every kept public-facing site.
    pub beyond: bool,
}

/// A shared-service hub, drawn as a diamond over its site's marker.
#[derive(Debug, Clone)]
pub struct MapHub {
    /// Longitude (degrees).
    pub lon: f64,
    /// Latitude (degrees).
    pub lat: f64,
    /// Tooltip text, e.g. "payroll hub at Civic Centre (host Bury): 4 members, 120 FTE pooled".
    pub label: String,
}

/// A partner's function joining a hub, drawn as a dashed line from where its transferring staff work.
#[derive(Debug, Clone)]
pub struct MapLink {
    /// Where the staff work today (longitude, latitude).
    pub from: (f64, f64),
    /// The hub's site (longitude, latitude).
    pub to: (f64, f64),
    /// FTE transferred; the line's width grows with its square root.
    pub fte: f64,
    /// Tooltip text, e.g. "Bury payroll joins the payroll hub at X in year 2 (14 FTE)".
    pub label: String,
}

/// Everything the map draws.
#[derive(Debug, Clone, Default)]
pub struct MapInput {
    /// Area outlines, drawn first as background.
    pub boroughs: Vec<Borough>,
    /// Sites, drawn last so they sit on top.
    pub sites: Vec<MapSite>,
    /// Team moves, drawn as arrows.
    pub moves: Vec<MapMove>,
    /// Population zones, drawn as small dots.
    pub zones: Vec<MapZone>,
    /// The access distance (km) used to mark zones as beyond, shown in the legend when known.
    pub access_km: Option<f64>,
    /// Shared-service hubs (the legend shows them only when there are some).
    pub hubs: Vec<MapHub>,
    /// New members' lines to their hubs.
    pub links: Vec<MapLink>,
}

const KEEP: &str = "#5b7083";
const RELEASE: &str = "#d9480f";
const MUST_KEEP: &str = "#1b5e20";
const MOVE: &str = "#6a4c93";
const BEYOND: &str = "#c92a2a";
const HUB: &str = "#0b7285";
const LINK: &str = "#15aabf";
const NEGATIVE: &str = "#c2410c";
/// Series colours; distinct in hue and lightness so they survive greyscale printing.
const PALETTE: [&str; 6] = [
    "#1f4e79", "#e07b00", "#2e7d32", "#8e44ad", "#7f8c8d", "#b03a2e",
];

/// Escapes text for XML content and attribute values alike.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            _ => o.push(c),
        }
    }
    o
}

/// A coordinate with at most one decimal ("12", "12.5"), never "-0".
fn n1(x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" { "0".into() } else { s.into() }
}

/// A value with thousands separators, rounded to a whole number; values under 10 keep one decimal so small
/// figures (e.g. 0.4 FTE) do not all read "0".
fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if x.abs() < 10.0 && (x - x.round()).abs() >= 0.05 {
        return format!("{x:.1}");
    }
    let digits = format!("{:.0}", x.abs().round());
    let mut o = String::from(if x.round() < 0.0 { "-" } else { "" });
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            o.push(',');
        }
        o.push(c);
    }
    o
}

/// The width (px) a text takes in the pictures' 11 px sans-serif, estimated per kind of character and on the
/// generous side (the widths of DejaVu Sans, wider than Arial or Helvetica), so a label area sized by it never
/// cuts a label whichever sans-serif font the reader's browser picks.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            ' ' | 'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 3.6,
            'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 4.8,
            'm' | 'w' => 10.0,
            'M' | 'W' => 11.0,
            c if c.is_uppercase() => 8.4,
            _ => 7.0,
        })
        .sum()
}

/// A label on one line when it is at most `budget` px wide, else on two, split at the space that makes the
/// longer line shortest (a label without spaces stays on one line, however wide).
fn wrap_label(label: &str, budget: f64) -> Vec<&str> {
    if text_width(label) <= budget {
        return vec![label];
    }
    let longer = |i: usize| text_width(&label[..i]).max(text_width(&label[i + 1..]));
    let spaces = label
        .char_indices()
        .filter(|&(_, c)| c == ' ')
        .map(|(i, _)| i);
    match spaces.min_by(|&a, &b| longer(a).total_cmp(&longer(b))) {
        Some(i) => vec![&label[..i], &label[i + 1..]],
        None => vec![label],
    }
}

/// The lowest and highest finite value with zero included (bars start at a zero axis), and their span.
fn range(values: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let finite = values.filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo, hi, if hi > lo { hi - lo } else { 1.0 })
}

/// A drawable (longitude, latitude): finite and in range, so one stray value cannot flatten the whole map.
fn on_earth((lon, lat): (f64, f64)) -> bool {
    lon.abs() <= 180.0 && lat.abs() <= 90.0
}

/// An SVG document being written; `String` writes cannot fail, so results are ignored.
struct Svg(String);

impl Svg {
    fn new(w: f64, h: f64, class: &str, label: &str) -> Svg {
        let (w, h, label) = (n1(w), n1(h), esc(label));
        Svg(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             role=\"img\" class=\"{class}\" aria-label=\"{label}\" font-family=\"sans-serif\" font-size=\"11\">"
        ))
    }

    /// A small SVG carrying only a message, for inputs with nothing to draw.
    fn message(w: f64, class: &str, msg: &str) -> String {
        let mut svg = Svg::new(w, 40.0, class, msg);
        svg.text(w / 2.0, 24.0, "middle", msg);
        svg.end()
    }

    /// `<tag attrs><title>tip</title></tag>`; `attrs` must already be escaped.
    fn el(&mut self, tag: &str, attrs: &str, tip: &str) {
        let _ = write!(self.0, "<{tag} {attrs}><title>{}</title></{tag}>", esc(tip));
    }

    /// A `<text>` at (x, y) with the given `text-anchor` (start, middle or end).
    fn text(&mut self, x: f64, y: f64, anchor: &str, content: &str) {
        let (x, y, t) = (n1(x), n1(y), esc(content));
        let _ = write!(
            self.0,
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\">{t}</text>"
        );
    }

    /// A `<text>` of one or more lines (one `<tspan>` each, 12 px apart, centred on `y`), anchored as
    /// [`Svg::text`].
    fn lines(&mut self, x: f64, y: f64, anchor: &str, lines: &[&str]) {
        if let [one] = lines {
            return self.text(x, y, anchor, one);
        }
        let top = y - 6.0 * (lines.len() - 1) as f64;
        let (x, y) = (n1(x), n1(top));
        let _ = write!(
            self.0,
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\">"
        );
        for (k, line) in lines.iter().enumerate() {
            let dy = if k == 0 { 0 } else { 12 };
            let _ = write!(self.0, "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>", esc(line));
        }
        self.0.push_str("</text>");
    }

    /// A line without a tooltip (axes, legend swatches).
    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), style: &str) {
        let (x1, y1, x2, y2) = (n1(x1), n1(y1), n1(x2), n1(y2));
        let _ = write!(
            self.0,
            "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" {style}/>"
        );
    }

    fn end(self) -> String {
        self.0 + "</svg>"
    }
}

/// Draws the estate map: boroughs, population zones, team moves and sites, with a legend strip underneath.
///
/// `width` is the SVG's width in pixels (at least 200); the height follows from the area's shape. Points that are
/// not finite or outside longitude/latitude range are skipped; with nothing left to place the result is a small
/// SVG saying "no locations".
pub fn map_svg(input: &MapInput, width: u32) -> String {
    let w = f64::from(width.max(200));
    let outlines = input.boroughs.iter().flat_map(|b| b.rings.iter().flatten());
    let pts = (outlines.copied())
        .chain(input.sites.iter().map(|s| (s.lon, s.lat)))
        .chain(input.zones.iter().map(|z| (z.lon, z.lat)))
        .chain(input.moves.iter().flat_map(|m| [m.from, m.to]))
        .chain(input.hubs.iter().map(|h| (h.lon, h.lat)))
        .chain(input.links.iter().flat_map(|l| [l.from, l.to]));
    let (mut x_lo, mut x_hi, mut y_lo, mut y_hi) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (lon, lat) in pts.filter(|&p| on_earth(p)) {
        (x_lo, x_hi, y_lo, y_hi) = (x_lo.min(lon), x_hi.max(lon), y_lo.min(lat), y_hi.max(lat));
    }
    if x_lo > x_hi {
        return Svg::message(w, "map", "no locations");
    }
    // Widen a degenerate box (a single site) so the scale stays finite.
    for (lo, hi) in [(&mut x_lo, &mut x_hi), (&mut y_lo, &mut y_hi)] {
        let mid = (*lo + *hi) / 2.0;
        (*lo, *hi) = (lo.min(mid - 0.005), hi.max(mid + 0.005));
    }
    // Equirectangular, x shrunk by cos(latitude) so a km east is as long on screen as a km north.
    let k = ((y_lo + y_hi) / 2.0).to_radians().cos().max(0.1);
    let (margin, dx, dy) = (12.0, (x_hi - x_lo) * k, y_hi - y_lo);
    let inner = w - 2.0 * margin;
    // Cap the height at twice the width so a tall, thin area still fits on a page.
    let scale = (inner / dx).min(2.0 * inner / dy);
    let map_h = dy * scale + 2.0 * margin;
    let x0 = margin + (inner - dx * scale) / 2.0;
    let proj =
        |(lon, lat): (f64, f64)| (x0 + (lon - x_lo) * k * scale, margin + (y_hi - lat) * scale);

    // Lay the legend out first: its row count sets the SVG's height.
    let beyond = match input.access_km {
        Some(km) if km.is_finite() => format!("zone beyond {} km of a kept site", n1(km)),
        _ => "zone beyond access".into(),
    };
    let items = [
        (KEEP, "kept"),
        (RELEASE, "released"),
        (MUST_KEEP, "must keep"),
    ];
    let with_hubs = !input.hubs.is_empty();
    let hub_items = [(HUB, "shared-service hub"), (LINK, "joins a hub")];
    let items = items
        .into_iter()
        .chain([(MOVE, "team move"), (BEYOND, &beyond)])
        .chain(hub_items.into_iter().filter(|_| with_hubs));
    let (mut lx, mut ly, mut legend) = (margin + 8.0, map_h + 14.0, Vec::new());
    for (colour, label) in items {
        let iw = 26.0 + text_width(label);
        if lx + iw > w - margin && lx > margin + 8.0 {
            (lx, ly) = (margin + 8.0, ly + 18.0);
        }
        legend.push((colour, label, lx, ly));
        lx += iw;
    }
    let h = ly + 18.0;

    let released =
        (input.sites.iter()).filter(|s| matches!(s.decision, MapDecision::Release { .. }));
    let mut label = format!(
        "Map of {} sites ({} released), {} team moves and {} population zones",
        input.sites.len(),
        released.count(),
        input.moves.len(),
        input.zones.len()
    );
    if with_hubs {
        let _ = write!(label, "; {} shared-service hubs", input.hubs.len());
    }
    let mut svg = Svg::new(w, h, "map", &label);
    let _ = write!(
        svg.0,
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" \
         orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"{MOVE}\"/></marker></defs>"
    );
    for b in &input.boroughs {
        let mut d = String::new();
        for ring in &b.rings {
            let mut last = String::new();
            for (x, y) in ring.iter().copied().filter(|&p| on_earth(p)).map(proj) {
                let here = format!("{} {}", n1(x), n1(y));
                // Generalised outlines still repeat points at one-decimal precision; dropping them saves bytes.
                if here != last {
                    let _ = write!(d, "{}{here}", if last.is_empty() { "M" } else { "L" });
                    last = here;
                }
            }
            d.push_str(if last.is_empty() { "" } else { "Z" });
        }
        let style =
            "fill=\"#eef1f4\" stroke=\"#8a949e\" stroke-width=\"0.8\" fill-rule=\"evenodd\"";
        svg.el(
            "path",
            &format!("class=\"borough\" d=\"{d}\" {style}"),
            &b.name,
        );
    }
    for z in input.zones.iter().filter(|z| on_earth((z.lon, z.lat))) {
        let (x, y) = proj((z.lon, z.lat));
        let (class, r, fill, note) = match z.beyond {
            true => ("zone zone-beyond", "3", BEYOND, " (beyond access)"),
            false => ("zone", "1.8", "#9aa5b1", ""),
        };
        let (x, y, km) = (n1(x), n1(y), n1(z.nearest_km));
        let attrs = format!(
            "class=\"{class}\" cx=\"{x}\" cy=\"{y}\" r=\"{r}\" fill=\"{fill}\" opacity=\"0.7\""
        );
        let pop = thousands(z.population as f64);
        let tip = format!(
            "zone {}: population {pop}, nearest kept site {km} km{note}",
            z.id
        );
        svg.el("circle", &attrs, &tip);
    }
    let moves = input
        .moves
        .iter()
        .filter(|m| on_earth(m.from) && on_earth(m.to));
    for m in moves {
        let ((x1, y1), (mut x2, mut y2)) = (proj(m.from), proj(m.to));
        // Stop short of the destination so the arrow head is not hidden under the site marker.
        let len = (x2 - x1).hypot(y2 - y1);
        if len > 12.0 {
            (x2, y2) = (x2 - (x2 - x1) * 6.0 / len, y2 - (y2 - y1) * 6.0 / len);
        }
        // `max` first: it maps NaN and negative headcounts to 0 before the square root.
        let sw = n1(m.headcount.max(0.0).sqrt().clamp(0.75, 4.0));
        let (x1, y1, x2, y2) = (n1(x1), n1(y1), n1(x2), n1(y2));
        let attrs = format!(
            "class=\"move\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"{MOVE}\" stroke-width=\"{sw}\" \
             stroke-opacity=\"0.8\" marker-end=\"url(#arrow)\""
        );
        svg.el("line", &attrs, &m.label);
    }
    draw_links(&mut svg, &input.links, &proj);
    for site in input.sites.iter().filter(|q| on_earth((q.lon, q.lat))) {
        let (x, y) = proj((site.lon, site.lat));
        let (kind, fill, what) = match site.decision {
            MapDecision::Keep => ("keep", KEEP, "kept".into()),
            MapDecision::Release { year } => {
                ("release", RELEASE, format!("released in year {year}"))
            }
            MapDecision::MustKeep => ("must-keep", MUST_KEEP, "must keep".into()),
        };
        let (x, y) = (n1(x), n1(y));
        let attrs = format!(
            "class=\"site-marker {kind}\" cx=\"{x}\" cy=\"{y}\" r=\"5\" fill=\"{fill}\" stroke=\"#fff\""
        );
        let tip = format!("{} ({}), {}: {what}", site.name, site.id, site.partner);
        svg.el("circle", &attrs, &tip);
    }
    draw_hubs(&mut svg, &input.hubs, &proj);
    let (top, lw, lh) = (n1(map_h), n1(inner), n1(h - map_h - 4.0));
    let _ = write!(
        svg.0,
        "<rect class=\"legend\" x=\"12\" y=\"{top}\" width=\"{lw}\" height=\"{lh}\" fill=\"#fff\" stroke=\"#ccc\"/>"
    );
    for (colour, label, x, y) in legend {
        if colour == MOVE {
            let style = format!("stroke=\"{MOVE}\" stroke-width=\"2\" marker-end=\"url(#arrow)\"");
            svg.line((x, y - 4.0), (x + 16.0, y - 4.0), &style);
        } else if colour == LINK {
            let style = format!("stroke=\"{LINK}\" stroke-width=\"2\" stroke-dasharray=\"4 3\"");
            svg.line((x, y - 4.0), (x + 16.0, y - 4.0), &style);
        } else if colour == HUB {
            let _ = write!(
                svg.0,
                "<path d=\"{}\" fill=\"{HUB}\"/>",
                diamond(x + 8.0, y - 4.0, 6.0)
            );
        } else {
            let (cx, cy) = (n1(x + 8.0), n1(y - 4.0));
            let r = if colour == BEYOND { 3 } else { 5 };
            let _ = write!(
                svg.0,
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"{colour}\"/>"
            );
        }
        svg.text(x + 20.0, y, "start", label);
    }
    svg.end()
}

/// A diamond's path around (x, y), `r` from the centre to each corner.
fn diamond(x: f64, y: f64, r: f64) -> String {
    let (l, rt, t, b, cx, cy) = (n1(x - r), n1(x + r), n1(y - r), n1(y + r), n1(x), n1(y));
    format!("M{cx} {t}L{rt} {cy}L{cx} {b}L{l} {cy}Z")
}

/// New members' dashed lines to their hubs, under the site markers.
fn draw_links(svg: &mut Svg, links: &[MapLink], proj: &impl Fn((f64, f64)) -> (f64, f64)) {
    for l in links.iter().filter(|l| on_earth(l.from) && on_earth(l.to)) {
        let ((x1, y1), (x2, y2)) = (proj(l.from), proj(l.to));
        let sw = n1(l.fte.max(0.0).sqrt().clamp(0.75, 4.0) * 0.75);
        let (x1, y1, x2, y2) = (n1(x1), n1(y1), n1(x2), n1(y2));
        let attrs = format!(
            "class=\"hub-link\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"{LINK}\" stroke-width=\"{sw}\" \
             stroke-dasharray=\"4 3\" stroke-opacity=\"0.9\""
        );
        svg.el("line", &attrs, &l.label);
    }
}

/// Hubs as diamonds over their sites' markers (a site may host hubs of several functions: one diamond each,
/// drawn on top of one another, each with its own tooltip).
fn draw_hubs(svg: &mut Svg, hubs: &[MapHub], proj: &impl Fn((f64, f64)) -> (f64, f64)) {
    for h in hubs.iter().filter(|h| on_earth((h.lon, h.lat))) {
        let (x, y) = proj((h.lon, h.lat));
        let attrs = format!(
            "class=\"hub\" d=\"{}\" fill=\"{HUB}\" stroke=\"#fff\" fill-opacity=\"0.85\"",
            diamond(x, y, 7.0)
        );
        svg.el("path", &attrs, &h.label);
    }
}

/// The narrowest plot of a bar chart (px): below it bars of different values look alike.
const MIN_PLOT: f64 = 160.0;
/// Room right of a bar chart's plot for the value labels ("-1,234,568 GBP").
const VALUE_SPACE: f64 = 100.0;

/// Draws one horizontal bar per label, negatives to the left of a zero axis in a different colour.
///
/// Values are labelled with thousands separators and `unit` (e.g. "GBP"); an empty list gives a small SVG saying
/// "nothing to show". Non-finite values get no bar and read "n/a".
pub fn bar_chart_svg(title: &str, bars: &[(String, f64)], unit: &str, width: u32) -> String {
    let w = f64::from(width.max(240));
    if bars.is_empty() {
        return Svg::message(w, "chart bar-chart", "nothing to show");
    }
    let with_unit = |v: f64| format!("{} {unit}", thousands(v)).trim_end().to_string();
    let (lo, _, span) = range(bars.iter().map(|b| b.1));
    // Labels wider than two fifths of the picture go onto two lines; the label area then fits the widest line,
    // and a picture too narrow for it and a readable plot grows wider (the page scales it down to its column),
    // so no label is ever cut.
    let lines: Vec<Vec<&str>> = bars.iter().map(|b| wrap_label(&b.0, w * 0.4)).collect();
    let widest = lines
        .iter()
        .flatten()
        .map(|l| text_width(l))
        .fold(0.0, f64::max);
    let left = 16.0 + widest;
    let w = w.max(left + MIN_PLOT + VALUE_SPACE);
    let plot = w - left - VALUE_SPACE;
    let xv = |v: f64| left + (v - lo) / span * plot;
    // Taller rows when a label takes two lines, so it does not reach the next bar.
    let two = lines.iter().any(|l| l.len() > 1);
    let (top, row, zero) = (30.0, if two { 30.0 } else { 24.0 }, xv(0.0));
    let h = top + row * bars.len() as f64 + 10.0;
    let mut svg = Svg::new(w, h, "chart bar-chart", title);
    svg.text(10.0, 18.0, "start", title);
    for (i, ((label, v), lines)) in bars.iter().zip(&lines).enumerate() {
        let y = top + row * i as f64;
        svg.lines(left - 6.0, y + 13.0, "end", lines);
        if v.is_finite() {
            let (x0, x1) = (xv(*v).min(zero), xv(*v).max(zero));
            let (class, fill) = if *v < 0.0 {
                ("bar negative", NEGATIVE)
            } else {
                ("bar", PALETTE[0])
            };
            let (bx, by, bw) = (n1(x0), n1(y), n1(x1 - x0));
            let attrs = format!(
                "class=\"{class}\" x=\"{bx}\" y=\"{by}\" width=\"{bw}\" height=\"18\" fill=\"{fill}\""
            );
            svg.el("rect", &attrs, &format!("{label}: {}", with_unit(*v)));
        }
        // Positive values read after the bar's end; others just right of the zero axis, empty on that row.
        let value_x = if *v > 0.0 { xv(*v) + 4.0 } else { zero + 4.0 };
        svg.text(value_x, y + 13.0, "start", &with_unit(*v));
    }
    svg.line(
        (zero, top - 4.0),
        (zero, h - 6.0),
        "class=\"axis\" stroke=\"#333\"",
    );
    svg.end()
}

/// Draws grouped columns per plan year ("Y1".."Yn"), one colour per series, with a legend and a zero axis.
///
/// Series may differ in length (missing years draw nothing); negative values hang below the axis. With no values
/// at all the result is a small SVG saying "nothing to show". Beyond six series the colours repeat.
pub fn year_chart_svg(title: &str, series: &[(String, Vec<f64>)], width: u32) -> String {
    let w = f64::from(width.max(240));
    let years = series.iter().map(|s| s.1.len()).max().unwrap_or(0);
    if years == 0 {
        return Svg::message(w, "chart year-chart", "nothing to show");
    }
    let (lo, hi, span) = range(series.iter().flat_map(|s| s.1.iter().copied()));
    let (left, right) = (74.0, 10.0);
    // Legend items are never cut: the picture grows to hold the widest one on a row of its own.
    let item = |name: &str| 26.0 + text_width(name);
    let widest = series.iter().map(|s| item(&s.0)).fold(0.0, f64::max);
    let w = w.max(10.0 + widest + right);
    // Body first: the legend wraps, and its height sets the SVG's.
    let mut body = Svg(String::new());
    body.text(10.0, 18.0, "start", title);
    let (mut lx, mut ly) = (10.0, 36.0);
    for (k, (name, _)) in series.iter().enumerate() {
        let iw = item(name);
        if lx + iw > w - right && lx > 10.0 {
            (lx, ly) = (10.0, ly + 16.0);
        }
        let (x, y, c) = (n1(lx), n1(ly - 9.0), PALETTE[k % PALETTE.len()]);
        let _ = write!(
            body.0,
            "<rect x=\"{x}\" y=\"{y}\" width=\"10\" height=\"10\" fill=\"{c}\"/>"
        );
        body.text(lx + 14.0, ly, "start", name);
        lx += iw;
    }
    let (top, plot_h) = (ly + 14.0, 200.0);
    let yv = |v: f64| top + (hi - v) / span * plot_h;
    let zero = yv(0.0);
    let group = (w - left - right) / years as f64;
    let bw = group * 0.8 / series.len() as f64;
    // Axis labels at the top, bottom and zero only: enough to read the scale without a grid.
    for v in [hi, lo].into_iter().filter(|&v| v != 0.0).chain([0.0]) {
        body.text(left - 6.0, yv(v) + 4.0, "end", &thousands(v));
    }
    // Long plans get every second (third...) year labelled, so "Y10" and "Y11" do not overprint.
    let step = (28.0 / group).ceil().max(1.0) as usize;
    for y in 0..years {
        let (gx, label_y) = (left + group * y as f64, top + plot_h + 18.0);
        if y % step == 0 {
            body.text(gx + group / 2.0, label_y, "middle", &format!("Y{}", y + 1));
        }
        for (k, (name, vals)) in series.iter().enumerate() {
            let Some(&v) = vals.get(y).filter(|v| v.is_finite()) else {
                continue;
            };
            let (x, c) = (
                n1(gx + group * 0.1 + bw * k as f64),
                PALETTE[k % PALETTE.len()],
            );
            let (cy, cw, ch) = (n1(yv(v).min(zero)), n1(bw), n1((yv(v) - zero).abs()));
            let attrs = format!(
                "class=\"bar\" x=\"{x}\" y=\"{cy}\" width=\"{cw}\" height=\"{ch}\" fill=\"{c}\""
            );
            body.el(
                "rect",
                &attrs,
                &format!("{name}, year {}: {}", y + 1, thousands(v)),
            );
        }
    }
    body.line(
        (left, zero),
        (w - right, zero),
        "class=\"axis\" stroke=\"#333\"",
    );
    let svg = Svg::new(w, top + plot_h + 28.0, "chart year-chart", title);
    Svg(svg.0 + &body.0).end()
}

#[cfg(test)]
#[path = "svg_tests.rs"]
mod tests;
