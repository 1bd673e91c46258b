//! Tests of the SVG pictures: parsed back as XML and counted.

use super::*;
use crate::domain::Borough;
use crate::input::boundaries::parse_boroughs;
use roxmltree::{Document, Node};

fn doc(svg: &str) -> Document<'_> {
    Document::parse(svg).expect("the SVG is well-formed XML")
}

/// Elements whose class list contains `class`.
fn with_class<'a>(d: &'a Document, class: &str) -> Vec<Node<'a, 'a>> {
    let has = |c: &str| c.split(' ').any(|c| c == class);
    let nodes = d.descendants();
    nodes
        .filter(|n| n.attribute("class").is_some_and(has))
        .collect()
}

fn num(n: &Node, attr: &str) -> f64 {
    n.attribute(attr).and_then(|v| v.parse().ok()).expect(attr)
}

fn tip(n: &Node) -> String {
    let title = n.first_child().and_then(|t| t.text());
    title.unwrap_or_default().into()
}

fn site(id: &str, lon: f64, lat: f64, decision: MapDecision) -> MapSite {
    let (id, name, partner) = (id.into(), format!("Site {id}"), "NHS".into());
    MapSite {
        id,
        name,
        partner,
        lon,
        lat,
        decision,
    }
}

fn size(d: &Document) -> (f64, f64) {
    (
        num(&d.root_element(), "width"),
        num(&d.root_element(), "height"),
    )
}

#[test]
fn formats_numbers_and_escapes_text() {
    let big = [thousands(1234567.8), thousands(-1234.4)];
    assert_eq!(big, ["1,234,568", "-1,234"]);
    let small = [thousands(999.6), thousands(0.4), thousands(-0.02)];
    assert_eq!(small, ["1,000", "0.4", "0"]);
    assert_eq!([n1(12.04), n1(-0.04), n1(3.25)], ["12", "0", "3.2"]);
    let escaped = "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;";
    assert_eq!(esc("a & b <c> \"d\" 'e'"), escaped);
    // Capitals are estimated at least as wide as Arial draws them at 11 px (0.72 em on average), lower case
    // wider than it (0.5 em), so a label area sized by the estimate holds the text in either font.
    let caps = "NHS CENTRAL MANCHESTER CCG";
    assert!(text_width(caps) >= 0.72 * 11.0 * caps.replace(' ', "").len() as f64);
    assert!(text_width("manchester") >= 0.5 * 11.0 * 10.0);
    assert!(text_width("W") > text_width("n") && text_width("n") > text_width("i"));
}

#[test]
fn map_draws_one_marker_per_site_inside_the_view_box() {
    let mut input = MapInput::default();
    input.sites.extend([
        site("S1", -2.24, 53.48, MapDecision::Keep),
        site("S2", -2.1, 53.40, MapDecision::Release { year: 3 }),
        site("S3", -2.5, 53.55, MapDecision::MustKeep),
        site("S4", -2.3, 53.45, MapDecision::Release { year: 1 }),
    ]);
    for (id, lon, beyond) in [("Z1", -2.2, false), ("Z2", -2.4, true)] {
        let (id, population, nearest_km, lat) = (id.into(), 1520, 6.25, 53.5);
        input.zones.push(MapZone {
            id,
            lon,
            lat,
            population,
            nearest_km,
            beyond,
        });
    }
    let (from, to, headcount, label) = ((-2.1, 53.4), (-2.24, 53.48), 100.0, "T1".into());
    input.moves.push(MapMove {
        from,
        to,
        headcount,
        label,
    });
    let rings = vec![vec![(-2.6, 53.3), (-2.0, 53.3), (-2.0, 53.6)]];
    input.boroughs.push(Borough {
        name: "B".into(),
        rings,
    });
    input.access_km = Some(5.0);
    let svg = map_svg(&input, 640);
    let d = doc(&svg);
    let (w, h) = size(&d);
    let view_box = format!("0 0 {w} {h}");
    assert_eq!(
        d.root_element().attribute("viewBox"),
        Some(view_box.as_str())
    );
    assert_eq!(with_class(&d, "site-marker").len(), 4);
    let kinds = ["keep", "release", "must-keep"].map(|k| with_class(&d, k));
    assert_eq!(kinds.each_ref().map(Vec::len), [1, 2, 1]);
    let [keep, release, must] = kinds.each_ref().map(|k| k[0].attribute("fill"));
    assert!(keep != release && release != must && keep != must);
    assert_eq!(tip(&kinds[1][0]), "Site S2 (S2), NHS: released in year 3");
    let beyond = with_class(&d, "zone-beyond");
    assert_eq!((with_class(&d, "zone").len(), beyond.len()), (2, 1));
    let zone_tip = "zone Z2: population 1,520, nearest kept site 6.2 km (beyond access)";
    assert_eq!(tip(&beyond[0]), zone_tip);
    let moves = with_class(&d, "move");
    assert_eq!(moves.len(), 1);
    assert_eq!(
        moves[0].attribute("stroke-width"),
        Some("4"),
        "sqrt(100) capped at 4"
    );
    assert!(svg.contains("<marker id=\"arrow\"") && svg.contains("beyond 5 km of a kept site"));
    // Every drawn coordinate lies inside the view box and has at most one decimal.
    let coords = ["x", "y", "cx", "cy", "x1", "y1", "x2", "y2"];
    for a in d.descendants().flat_map(|n| n.attributes()) {
        if coords.contains(&a.name()) {
            let max = if a.name().contains('x') { w } else { h };
            let v: f64 = a.value().parse().unwrap();
            assert!(
                (0.0..=max).contains(&v),
                "{}={v} outside 0..{max}",
                a.name()
            );
            let decimals = a.value().split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 1, "{}", a.value());
        }
    }
    let path = with_class(&d, "borough")[0].attribute("d").unwrap();
    let nums = path.split(['M', 'L', 'Z', ' ']).filter(|s| !s.is_empty());
    let nums: Vec<f64> = nums.map(|s| s.parse().unwrap()).collect();
    assert_eq!(nums.len(), 6);
    let inside = |p: &[f64]| (0.0..=w).contains(&p[0]) && (0.0..=h).contains(&p[1]);
    assert!(nums.chunks(2).all(inside));
}

#[test]
fn map_escapes_text_and_skips_unplaceable_points() {
    let mut odd = site("<S&1>", -2.2, 53.4, MapDecision::Keep);
    odd.name = "Tom's \"Clinic\"".into();
    let mut input = MapInput::default();
    input.sites.extend([
        odd,
        site("S2", f64::NAN, 53.4, MapDecision::Keep),
        site("S3", 1e300, 53.4, MapDecision::Keep),
        site("S4", -2.3, 53.5, MapDecision::MustKeep),
    ]);
    let (from, to, label) = ((f64::INFINITY, 53.0), (-2.2, 53.4), "x".into());
    input.moves.push(MapMove {
        from,
        to,
        headcount: -3.0,
        label,
    });
    let svg = map_svg(&input, 0);
    assert!(
        svg.contains("Tom&apos;s &quot;Clinic&quot; (&lt;S&amp;1&gt;)"),
        "{svg}"
    );
    let d = doc(&svg);
    assert_eq!(with_class(&d, "site-marker").len(), 2);
    assert!(with_class(&d, "move").is_empty());
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    assert_eq!(size(&d).0, 200.0, "a width below 200 is raised to 200");
}

#[test]
fn map_of_one_site_or_none_is_still_valid() {
    let mut input = MapInput::default();
    input.sites.push(site("S1", -2.2, 53.4, MapDecision::Keep));
    let svg = map_svg(&input, 400);
    let d = doc(&svg);
    let (m, (w, h)) = (&with_class(&d, "site-marker")[0], size(&d));
    assert!(num(m, "cx") > 0.0 && num(m, "cx") < w && num(m, "cy") > 0.0 && num(m, "cy") < h);
    let empty = map_svg(&MapInput::default(), 400);
    assert_eq!(doc(&empty).root_element().attribute("class"), Some("map"));
    assert!(empty.contains(">no locations<"));
}

#[test]
fn bar_chart_puts_negative_bars_left_of_the_zero_axis() {
    let bars = [
        ("Rent <GBP>", 1234567.8),
        ("Exit", -250000.0),
        ("Bad", f64::NAN),
    ];
    let bars = bars.map(|(l, v)| (l.to_string(), v));
    let svg = bar_chart_svg("NPV & costs", &bars, "GBP", 600);
    let d = doc(&svg);
    assert_eq!(d.root_element().attribute("class"), Some("chart bar-chart"));
    let rects = with_class(&d, "bar");
    assert_eq!(rects.len(), 2, "no bar for a non-finite value");
    let axis = num(&with_class(&d, "axis")[0], "x1");
    let (pos, neg) = (&rects[0], &rects[1]);
    assert!((num(pos, "x") - axis).abs() < 0.11 && num(neg, "x") < axis);
    assert!((num(neg, "x") + num(neg, "width") - axis).abs() < 0.11);
    assert!(num(pos, "width") > 4.0 * num(neg, "width"));
    assert_ne!(neg.attribute("fill"), pos.attribute("fill"));
    assert_eq!(tip(pos), "Rent <GBP>: 1,234,568 GBP");
    assert!(svg.contains(">-250,000 GBP<") && svg.contains(">n/a GBP<"));
    assert!(svg.contains("aria-label=\"NPV &amp; costs\""));
}

#[test]
fn charts_with_nothing_say_so() {
    let no_years = [("A".to_string(), vec![])];
    for svg in [
        bar_chart_svg("T", &[], "", 300),
        year_chart_svg("T", &no_years, 300),
    ] {
        let d = doc(&svg);
        assert!(
            d.root_element()
                .attribute("class")
                .unwrap()
                .starts_with("chart ")
        );
        assert!(svg.contains(">nothing to show<"));
    }
}

#[test]
fn year_chart_has_a_column_per_series_and_year() {
    let savings = ("Savings".to_string(), vec![1000.0, 2500.0, 4000.0]);
    let capital = ("Capital".to_string(), vec![-3000.0, 0.0]);
    let svg = year_chart_svg("Cash", &[savings, capital], 500);
    let d = doc(&svg);
    assert_eq!(
        d.root_element().attribute("class"),
        Some("chart year-chart")
    );
    let cols = with_class(&d, "bar");
    assert_eq!(cols.len(), 5);
    assert!(svg.contains(">Y1<") && svg.contains(">Y3<") && !svg.contains(">Y4<"));
    assert_eq!(tip(&cols[1]), "Capital, year 1: -3,000");
    let axis = num(&with_class(&d, "axis")[0], "y1");
    let (up, down) = (&cols[0], &cols[1]);
    assert!(
        (num(up, "y") + num(up, "height") - axis).abs() < 0.11,
        "stands on the axis"
    );
    assert!((num(down, "y") - axis).abs() < 0.11 && num(down, "height") > num(up, "height"));
    assert_ne!(up.attribute("fill"), down.attribute("fill"));
}

#[test]
fn parses_the_real_greater_manchester_boroughs() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/geo/gm_local_authorities_2016_generalised.geojson"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return eprintln!("skipped: {path} is absent");
    };
    let mut input = MapInput::default();
    input
        .boroughs
        .extend(parse_boroughs(&text, "area_name").unwrap());
    let names: Vec<_> = input.boroughs.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.len(), 10);
    assert!(names.contains(&"Manchester") && names.contains(&"Wigan"));
    for (lon, lat) in input.boroughs.iter().flat_map(|b| b.rings.iter().flatten()) {
        assert!((-2.8..-1.9).contains(lon) && (53.3..53.7).contains(lat));
    }
    let svg = map_svg(&input, 800);
    let d = doc(&svg);
    assert_eq!(with_class(&d, "borough").len(), 10);
    // GM is about 1.3 times as wide as tall once x is scaled by cos(latitude); unscaled, over 2 times.
    assert!(
        (500.0..700.0).contains(&size(&d).1),
        "height {:?}",
        size(&d)
    );
}

#[test]
fn parses_polygons_with_holes_and_multipolygons() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"properties":{"n":"A & B"},"geometry":{"type":"Polygon","coordinates":[
            [[0,0],[1,0],[1,1],[0,1],[0,0]], [[0.2,0.2],[0.4,0.2],[0.4,0.4],[0.2,0.2]]]}},
        {"properties":{"n":7},"geometry":{"type":"MultiPolygon","coordinates":[
            [[[2,0],[3,0],[3,1],[2,0]]], [[[4,0],[5,0],[5,1,12.5],[4,0]]]]}}]}"#;
    let mut input = MapInput::default();
    input.boroughs.extend(parse_boroughs(text, "n").unwrap());
    let [a, b] = &input.boroughs[..] else {
        panic!("two features")
    };
    assert_eq!(
        (a.name.as_str(), a.rings.len(), a.rings[1].len()),
        ("A & B", 2, 4)
    );
    assert_eq!(
        (b.name.as_str(), b.rings.len(), b.rings[1][2]),
        ("7", 2, (5.0, 1.0))
    );
    let svg = map_svg(&input, 300);
    let d = doc(&svg);
    let path = &with_class(&d, "borough")[0];
    assert_eq!(path.attribute("fill-rule"), Some("evenodd"));
    let moves_to = path.attribute("d").unwrap().matches('M').count();
    assert_eq!(moves_to, 2, "the outer ring and its hole are one path");
    assert_eq!(tip(path), "A & B");
}

/// Second features (after a valid first one) and the error each must give, one case a line.
const BAD_FEATURES: &str = r#"
    {"properties":{},"geometry":null} => Feature 1 has no property "n"
    {"properties":{"n":[1]}} => Feature 1: property "n" is not a string
    {"properties":{"n":"X"},"geometry":null} => Feature 1 (X): has no geometry
    {"properties":{"n":"X"},"geometry":{"type":"Point","coordinates":[0,0]}} => "Point" is not Polygon
    {"properties":{"n":"X"},"geometry":{"type":"Polygon"}} => no coordinates array
    {"properties":{"n":"X"},"geometry":{"coordinates":[]}} => the geometry has no type
    {"properties":{"n":"X"},"geometry":{"type":"Polygon","coordinates":[]}} => has no rings
    {"properties":{"n":"X"},"geometry":{"type":"Polygon","coordinates":[5]}} => ring is not an array
    {"properties":{"n":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],["a",1],[1,1]]]}} => position 1
    {"properties":{"n":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1],[1,1]]]}} => position 1
    {"properties":{"n":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}} => fewer than 3
    {"properties":{"n":"X"},"geometry":{"type":"Polygon","coordinates":[[[383000,398000],[1,1],[0,1]]]}} => projected
    {"properties":{"n":"X"},"geometry":{"type":"MultiPolygon","coordinates":[7]}} => polygon is not an array"#;

#[test]
fn rejects_malformed_geojson_with_a_sentence() {
    let good = r#"{"properties":{"n":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,1]]]}}"#;
    let lines = BAD_FEATURES
        .lines()
        .filter_map(|l| l.trim().split_once(" => "));
    let mut cases: Vec<_> = lines
        .map(|(f, e)| (format!(r#"{{"features":[{good},{f}]}}"#), e))
        .collect();
    cases.push(("{not json".into(), "not valid JSON"));
    cases.push(("[1]".into(), "no \"features\" array"));
    cases.push((r#"{"features":5}"#.into(), "expected a FeatureCollection"));
    assert_eq!(cases.len(), 16);
    for (text, expected) in cases {
        let err = parse_boroughs(&text, "n").unwrap_err();
        let sentence = err.contains(expected) && err.ends_with('.');
        assert!(sentence, "{err:?} should mention {expected:?}");
    }
}

#[test]
fn map_draws_hubs_and_member_lines_and_names_them_in_the_legend_only_when_there_are_some() {
    let mut input = MapInput::default();
    input.sites.extend([
        site("S1", -2.24, 53.48, MapDecision::Keep),
        site("S2", -2.1, 53.40, MapDecision::Keep),
    ]);
    let plain = map_svg(&input, 500);
    assert!(!plain.contains("shared-service hub"));
    input.hubs.push(MapHub {
        lon: -2.24,
        lat: 53.48,
        label: "payroll hub at S1".into(),
    });
    for fte in [4.0, 16.0] {
        input.links.push(MapLink {
            from: (-2.1, 53.40),
            to: (-2.24, 53.48),
            fte,
            label: format!("{fte} FTE join"),
        });
    }
    let svg = map_svg(&input, 500);
    let d = doc(&svg);
    let hubs = with_class(&d, "hub");
    assert_eq!(hubs.len(), 1);
    assert_eq!(tip(&hubs[0]), "payroll hub at S1");
    let links = with_class(&d, "hub-link");
    assert_eq!(links.len(), 2);
    // Wider lines for more staff, and every line ends at the hub's site marker.
    assert!(num(&links[1], "stroke-width") > num(&links[0], "stroke-width"));
    let s1 = with_class(&d, "site-marker")
        .into_iter()
        .find(|n| tip(n).contains("(S1)"))
        .unwrap();
    for l in &links {
        assert_eq!(num(l, "x2"), num(&s1, "cx"));
        assert_eq!(num(l, "y2"), num(&s1, "cy"));
    }
    assert!(svg.contains("shared-service hub") && svg.contains("joins a hub"));
    assert!(
        d.root_element()
            .attribute("aria-label")
            .unwrap()
            .ends_with("1 shared-service hubs")
    );
}

/// Every `<text>` element's content (its lines joined by a space, for a label on two lines) with its x and
/// anchor.
fn texts<'a>(d: &'a Document) -> Vec<(String, f64, &'a str)> {
    let texts = d.descendants().filter(|n| n.has_tag_name("text"));
    texts
        .map(|n| {
            let anchor = n.attribute("text-anchor").unwrap_or("start");
            let parts = n
                .descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text());
            let parts: Vec<&str> = parts.collect();
            (parts.join(" "), num(&n, "x"), anchor)
        })
        .collect()
}

/// The widest line of a `<text>` element, estimated.
fn widest_line(n: &Node) -> f64 {
    let lines = n
        .descendants()
        .filter(|t| t.is_text())
        .filter_map(|t| t.text());
    lines.map(text_width).fold(0.0, f64::max)
}

#[test]
fn bar_chart_labels_are_whole_and_inside_the_picture() {
    // Greater Manchester's longest partner names, as `organisations.csv` spells them, and a short one.
    let names = [
        "UNIVERSITY HOSPITAL OF SOUTH MANCHESTER NHS FOUNDATION TRUST",
        "NHS HEYWOOD, MIDDLETON AND ROCHDALE CCG",
        "Stockport Metropolitan Borough Council",
        "Bury",
    ];
    let bars: Vec<(String, f64)> = names
        .iter()
        .zip([2.5e6, -4.0e5, 1.2e6, 3.0e4])
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    let svg = bar_chart_svg("Net saving by partner", &bars, "GBP", 560);
    let d = doc(&svg);
    assert_eq!(size(&d).0, 560.0, "GM's names fit the report's chart width");
    let labels: Vec<_> = d
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end"))
        .collect();
    let shown: Vec<String> = texts(&d)
        .into_iter()
        .filter(|t| t.2 == "end")
        .map(|t| t.0)
        .collect();
    assert_eq!(shown, names, "every name whole, the long ones on two lines");
    assert_eq!(
        labels[0].children().count(),
        2,
        "the longest takes two lines"
    );
    assert_eq!(labels[3].children().count(), 1, "a short name one");
    let first_bar = with_class(&d, "bar").into_iter().map(|b| num(&b, "x"));
    let first_bar = first_bar.fold(f64::MAX, f64::min);
    for label in &labels {
        // Anchored at its end: each line starts its estimated width to the left, inside the picture.
        let x = num(label, "x");
        assert!(x - widest_line(label) >= 0.0, "{label:?} starts left of 0");
        assert!(first_bar > x, "{label:?} runs into the bars");
    }
    // A name with no space to break at, longer than any real one, widens the picture instead of being cut.
    let long = "A".repeat(120);
    let wide = bar_chart_svg("T", &[(long.clone(), 1.0)], "GBP", 560);
    let d = doc(&wide);
    assert!(size(&d).0 >= text_width(&long) + MIN_PLOT + VALUE_SPACE);
    let shown = texts(&d);
    assert!(
        shown
            .iter()
            .any(|t| t.0 == long && t.1 - text_width(&long) >= 0.0)
    );
}

#[test]
fn year_chart_legend_names_are_whole() {
    let long = "Plan with every partner's estates and procurement decisions forced to the greedy heuristic's";
    let series = [
        (long.to_string(), vec![1.0, 2.0]),
        ("Short".to_string(), vec![3.0]),
    ];
    let svg = year_chart_svg("Cash", &series, 300);
    let d = doc(&svg);
    let (w, _) = size(&d);
    let shown = texts(&d).into_iter().find(|t| t.0 == long);
    let (_, x, _) = shown.expect("the long name appears whole");
    assert!(
        x + text_width(long) <= w,
        "the legend item ends inside the picture"
    );
}
