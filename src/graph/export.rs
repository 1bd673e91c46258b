//! Graph files: GraphML (a small writer of our own; petgraph has none) and DOT (petgraph's own `Dot`).
//!
//! GraphML output follows the 1.0 schema: one `<key>` per attribute with `attr.name` and `attr.type`, an
//! undirected `<graph>`, nodes `n0, n1, ...` and edges `e0, e1, ...` in petgraph index order, and every text value
//! XML-escaped. Node ids are positional, not partner or supplier ids, because GraphML ids must be XML name tokens
//! and supplier names hold spaces; the real id is the `id` attribute.

use super::bipartite::{BiEdge, BiNode, Side};
use super::projection::{PairEdge, PartnerNode};
use super::proximity::{KmEdge, SiteNode};
use petgraph::dot::Dot;
use petgraph::graph::UnGraph;
use petgraph::visit::EdgeRef;
use std::fmt::{Display, Write};

/// The GraphML type of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    /// `string`.
    Text,
    /// `double`.
    Double,
    /// `int`.
    Int,
}

impl AttrType {
    fn name(self) -> &'static str {
        match self {
            AttrType::Text => "string",
            AttrType::Double => "double",
            AttrType::Int => "int",
        }
    }
}

/// One attribute value of a node or edge.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number written with this many decimals.
    Num(f64, usize),
    /// A whole number.
    Int(i64),
    /// Not given: no `<data>` element is written.
    Missing,
}

/// Something that can be written as a GraphML node or edge.
pub trait Attributes {
    /// The attribute names and types, the same for every item.
    const KEYS: &'static [(&'static str, AttrType)];
    /// The values, in the order of [`Attributes::KEYS`].
    fn values(&self) -> Vec<Value>;
}

/// Escapes text for XML content and attribute values. Characters XML 1.0 forbids (most control characters)
/// become U+FFFD so that the file always parses.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn format_value(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(xml_escape(s)),
        Value::Num(x, d) if x.is_finite() => Some(format!("{x:.d$}")),
        // xs:double spellings of the non-finite values.
        Value::Num(x, _) if x.is_nan() => Some("NaN".into()),
        Value::Num(x, _) => Some(if *x > 0.0 { "INF" } else { "-INF" }.into()),
        Value::Int(i) => Some(i.to_string()),
        Value::Missing => None,
    }
}

fn data_elements(out: &mut String, prefix: &str, keys: &[(&str, AttrType)], values: &[Value]) {
    for ((name, _), v) in keys.iter().zip(values) {
        if let Some(text) = format_value(v) {
            let _ = write!(out, "<data key=\"{prefix}_{name}\">{text}</data>");
        }
    }
}

/// Writes an undirected graph as a GraphML document.
pub fn graphml<N: Attributes, E: Attributes>(g: &UnGraph<N, E>, graph_id: &str) -> String {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" ",
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
        "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns ",
        "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
    ));
    for (prefix, domain, keys) in [("node", "node", N::KEYS), ("edge", "edge", E::KEYS)] {
        for (name, ty) in keys {
            let _ = writeln!(
                out,
                "  <key id=\"{prefix}_{name}\" for=\"{domain}\" attr.name=\"{}\" attr.type=\"{}\"/>",
                xml_escape(name),
                ty.name()
            );
        }
    }
    let _ = writeln!(
        out,
        "  <graph id=\"{}\" edgedefault=\"undirected\">",
        xml_escape(graph_id)
    );
    for n in g.node_indices() {
        let _ = write!(out, "    <node id=\"n{}\">", n.index());
        data_elements(&mut out, "node", N::KEYS, &g[n].values());
        out.push_str("</node>\n");
    }
    for e in g.edge_references() {
        let _ = write!(
            out,
            "    <edge id=\"e{}\" source=\"n{}\" target=\"n{}\">",
            e.id().index(),
            e.source().index(),
            e.target().index()
        );
        data_elements(&mut out, "edge", E::KEYS, &e.weight().values());
        out.push_str("</edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// Writes an undirected graph in Graphviz DOT with petgraph's `Dot`: node labels and edge labels are the
/// weights' `Display` text (petgraph escapes quotes and backslashes).
pub fn dot<N: Display, E: Display>(g: &UnGraph<N, E>) -> String {
    format!("{}", Dot::new(g))
}

impl Attributes for BiNode {
    const KEYS: &'static [(&'static str, AttrType)] = &[
        ("id", AttrType::Text),
        ("label", AttrType::Text),
        ("kind", AttrType::Text),
        ("spend", AttrType::Double),
    ];
    fn values(&self) -> Vec<Value> {
        let kind = match self.side {
            Side::Partner(_) => "partner",
            Side::Supplier(_) => "supplier",
        };
        vec![
            Value::Text(self.id.clone()),
            Value::Text(self.label.clone()),
            Value::Text(kind.into()),
            Value::Num(self.spend, 2),
        ]
    }
}

impl Attributes for BiEdge {
    const KEYS: &'static [(&'static str, AttrType)] = &[
        ("category", AttrType::Text),
        ("spend", AttrType::Double),
        ("contracts", AttrType::Int),
    ];
    fn values(&self) -> Vec<Value> {
        vec![
            Value::Text(self.category.clone()),
            Value::Num(self.spend, 2),
            Value::Int(self.contracts as i64),
        ]
    }
}

impl Attributes for PartnerNode {
    const KEYS: &'static [(&'static str, AttrType)] = &[
        ("id", AttrType::Text),
        ("label", AttrType::Text),
        ("kind", AttrType::Text),
        ("spend", AttrType::Double),
        ("component", AttrType::Int),
        ("community", AttrType::Int),
    ];
    fn values(&self) -> Vec<Value> {
        vec![
            Value::Text(self.id.clone()),
            Value::Text(self.label.clone()),
            Value::Text("partner".into()),
            Value::Num(self.spend, 2),
            Value::Int(self.component as i64),
            Value::Int(self.community as i64),
        ]
    }
}

impl Attributes for PairEdge {
    const KEYS: &'static [(&'static str, AttrType)] = &[
        ("spend", AttrType::Double),
        ("shared_supplier_spend", AttrType::Double),
        ("shared_categories", AttrType::Int),
        ("shared_suppliers", AttrType::Int),
    ];
    fn values(&self) -> Vec<Value> {
        vec![
            Value::Num(self.pooled_spend, 2),
            Value::Num(self.shared_supplier_spend, 2),
            Value::Int(self.shared_categories as i64),
            Value::Int(self.shared_suppliers as i64),
        ]
    }
}

impl Attributes for SiteNode {
    const KEYS: &'static [(&'static str, AttrType)] = &[
        ("id", AttrType::Text),
        ("label", AttrType::Text),
        ("kind", AttrType::Text),
        ("organisation", AttrType::Text),
        ("group", AttrType::Int),
    ];
    fn values(&self) -> Vec<Value> {
        vec![
            Value::Text(self.id.clone()),
            Value::Text(self.label.clone()),
            Value::Text(self.kind.clone()),
            Value::Text(self.organisation.clone()),
            self.group.map_or(Value::Missing, |g| Value::Int(g as i64)),
        ]
    }
}

impl Attributes for KmEdge {
    const KEYS: &'static [(&'static str, AttrType)] = &[("km", AttrType::Double)];
    fn values(&self) -> Vec<Value> {
        vec![Value::Num(self.km, 3)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Named(String);
    impl Attributes for Named {
        const KEYS: &'static [(&'static str, AttrType)] = &[("label", AttrType::Text)];
        fn values(&self) -> Vec<Value> {
            vec![Value::Text(self.0.clone())]
        }
    }
    impl Display for Named {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    #[test]
    fn escapes_the_five_xml_characters_and_controls() {
        assert_eq!(
            xml_escape("A & B <c> \"d\" 'e'\u{1}"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;\u{FFFD}"
        );
    }

    #[test]
    fn graphml_declares_keys_and_is_undirected() {
        let mut g: UnGraph<Named, Named> = UnGraph::default();
        let a = g.add_node(Named("Smith & Sons <Ltd>".into()));
        let b = g.add_node(Named("B".into()));
        g.add_edge(a, b, Named("x\"y".into()));
        let xml = graphml(&g, "t");
        assert!(xml.contains(
            "<key id=\"node_label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>"
        ));
        assert!(xml.contains("edgedefault=\"undirected\""));
        assert!(xml.contains("<data key=\"node_label\">Smith &amp; Sons &lt;Ltd&gt;</data>"));
        assert!(xml.contains(
            "<edge id=\"e0\" source=\"n0\" target=\"n1\"><data key=\"edge_label\">x&quot;y</data>"
        ));
        let d = dot(&g);
        assert!(d.starts_with("graph {"));
        assert!(d.contains("0 -- 1"));
        assert!(d.contains("x\\\"y"));
    }
}
