//! The font the report's charts draw and measure their labels with: a CJK
//! font file read once per process from `report.font_path`, else from the
//! usual system places. None is bundled; without one the charts are left
//! out and the report says why.

use ab_glyph::Font;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*), Fedora and Arch put
/// Noto Sans CJK and WenQuanYi, the Simplified Chinese cut first.
pub const DEFAULT_PATHS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
];

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum FontError {
    #[error(
        "the chart needs a CJK font: none found (set report.font_path, or install fonts-noto-cjk)"
    )]
    NotFound,
    #[error("the chart needs a CJK font: report.font_path {path}: {why}")]
    Unusable { path: String, why: String },
}

/// The registered font's file, once one is.
static LOADED: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Make sure a CJK font is registered for the charts (under the family
/// names they ask for) and say which file. The first font found stays for
/// the process: plotters keeps fonts for good, and a chart font is not
/// worth a restart's reload logic.
pub fn ensure(configured: Option<&Path>) -> Result<PathBuf, FontError> {
    let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = loaded.as_ref() {
        return Ok(p.clone());
    }
    let path = match configured {
        Some(p) => {
            load(p).map_err(|why| FontError::Unusable {
                path: p.display().to_string(),
                why,
            })?;
            p.to_path_buf()
        }
        None => DEFAULT_PATHS
            .iter()
            .map(Path::new)
            .find(|p| p.exists() && load(p).is_ok())
            .ok_or(FontError::NotFound)?
            .to_path_buf(),
    };
    *loaded = Some(path.clone());
    Ok(path)
}

/// Read, check and register one font file.
fn load(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    // A collection's first face is the one plotters draws with.
    let font = ab_glyph::FontRef::try_from_slice(&bytes)
        .map_err(|_| "not a TrueType/OpenType font or collection".to_string())?;
    if ['中', '周', '县'].iter().any(|c| font.glyph_id(*c).0 == 0) {
        return Err("has no Chinese glyphs".into());
    }
    // plotters keeps registered fonts for the process's life; one font file
    // is leaked once.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font(
        super::charts::CJK_FONTS,
        plotters::style::FontStyle::Normal,
        bytes,
    )
    .map_err(|_| "not a font plotters can draw with".to_string())
}
