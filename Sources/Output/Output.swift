/// Renderers: tables (text, Markdown, CSV, LaTeX, HTML, JSON) and the SVG plotting layer.
/// A renderer never computes statistics: it formats values it is given.
public enum Output {}
