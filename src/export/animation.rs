//! Playback as an animation: the same steps as the Play button (day, week, month or year;
//! cumulative or a sliding window), one frame per step with its dates on it, the last frame held.

use std::path::Path;
use std::sync::atomic::Ordering;

use chrono::NaiveDate;

use super::{ExportError, ExportRequest, Format, Progress, picture_svg_with, raster, resolve_view};
use crate::filter::{TimeIndex, VisibleSet, time_extent};
use crate::model::{Dataset, DaySpan};
use crate::playback::{self, PlaybackSettings};

/// The ranges an animation shows, one per frame, as playback steps through `range`.
pub fn frame_ranges(
    range: &DaySpan,
    extent: (NaiveDate, NaiveDate),
    request: &ExportRequest,
) -> Vec<DaySpan> {
    let settings = PlaybackSettings {
        unit: request.animation.unit,
        steps_per_second: None,
        mode: request.animation.mode,
        looping: false,
    };
    let plan = playback::plan(range, extent, &settings);
    let mut ranges = vec![plan.start];
    while let Some(next) = playback::advance(ranges.last().unwrap_or(&plan.start), &plan) {
        ranges.push(next);
        // A story of centuries in days would be a film, not a map: stop at a sane length.
        if ranges.len() >= 2_000 {
            break;
        }
    }
    ranges
}

/// Writes the animation; returns the bytes written and the number of frames.
pub fn export(
    dataset: &Dataset,
    request: &ExportRequest,
    index: &TimeIndex,
    progress: &Progress,
) -> Result<(u64, usize), ExportError> {
    if request.animation.chapters {
        return chapters_tour(dataset, request, index, progress);
    }
    let extent = time_extent(dataset)
        .ok_or_else(|| ExportError::NothingToAnimate(request.range.describe()))?;
    let ranges = frame_ranges(&request.range, extent, request);
    progress.total.store(ranges.len(), Ordering::Relaxed);
    // One view for every frame: the whole animation's, so the map does not jump.
    let whole = VisibleSet::new(index, &request.range);
    let mut request = request.clone();
    request.frame.date_stamp = true;
    let view = resolve_view(
        dataset,
        request.view,
        whole.flags(),
        request.size.vec(),
        &request.frame,
        request.size.map_only,
    );
    let mut renderer = super::render::Renderer::new(&request.tiles, &request.cache)?;
    let mut frames = Vec::with_capacity(ranges.len());
    for (i, range) in ranges.iter().enumerate() {
        progress.check()?;
        let visible = VisibleSet::new(index, range);
        frames.push(frame(
            &mut renderer,
            dataset,
            &request,
            range,
            visible.flags(),
            view,
        )?);
        progress.done.store(i + 1, Ordering::Relaxed);
    }
    progress.check()?;
    let count = frames.len();
    let bytes = match request.format {
        Format::Frames => write_frames(&request.out, &frames)?,
        _ => super::write_atomic(&request.out, |w| {
            write_gif(w, &frames, &request.animation, progress)
        })?,
    };
    Ok((bytes, count))
}

/// One frame a chapter, each with its own view, dates, title and text, held in turn.
fn chapters_tour(
    dataset: &Dataset,
    request: &ExportRequest,
    index: &TimeIndex,
    progress: &Progress,
) -> Result<(u64, usize), ExportError> {
    let chapters = &dataset.meta.chapters;
    if chapters.is_empty() {
        return Err(ExportError::Request("the story has no chapters".into()));
    }
    progress.total.store(chapters.len(), Ordering::Relaxed);
    let mut renderer = super::render::Renderer::new(&request.tiles, &request.cache)?;
    let mut frames = Vec::with_capacity(chapters.len());
    for (i, chapter) in chapters.iter().enumerate() {
        progress.check()?;
        let shown = super::chapter::for_chapter(dataset, request, chapter);
        let visible = VisibleSet::new(index, &shown.range);
        let view = resolve_view(
            dataset,
            shown.view,
            visible.flags(),
            shown.size.vec(),
            &shown.frame,
            shown.size.map_only,
        );
        frames.push(frame(
            &mut renderer,
            dataset,
            &shown,
            &shown.range,
            visible.flags(),
            view,
        )?);
        progress.done.store(i + 1, Ordering::Relaxed);
    }
    progress.check()?;
    let count = frames.len();
    // Every chapter is held as long as the last frame of an animation is.
    let settings = super::AnimationSettings {
        delay_ms: request.animation.hold_ms,
        ..request.animation
    };
    let bytes = match request.format {
        Format::Frames => write_frames(&request.out, &frames)?,
        _ => super::write_atomic(&request.out, |w| write_gif(w, &frames, &settings, progress))?,
    };
    Ok((bytes, count))
}

/// One frame of an animation, as pixels.
fn frame(
    renderer: &mut super::render::Renderer,
    dataset: &Dataset,
    request: &ExportRequest,
    range: &DaySpan,
    visible: &[bool],
    view: super::MapView,
) -> Result<image::RgbaImage, ExportError> {
    let svg = picture_svg_with(renderer, dataset, request, range, visible, Some(view));
    let tree = raster::parse(&svg)?;
    Ok(raster::to_rgba_image(&raster::rasterize(&tree)?))
}

fn write_gif(
    out: &mut dyn std::io::Write,
    frames: &[image::RgbaImage],
    settings: &super::AnimationSettings,
    progress: &Progress,
) -> std::io::Result<()> {
    let Some(first) = frames.first() else {
        return Ok(());
    };
    let (width, height) = (first.width(), first.height());
    let too_big = || std::io::Error::other("a GIF is at most 65,535 pixels wide and high");
    let w = u16::try_from(width).map_err(|_| too_big())?;
    let h = u16::try_from(height).map_err(|_| too_big())?;
    let mut encoder = gif::Encoder::new(out, w, h, &[]).map_err(std::io::Error::other)?;
    encoder
        .set_repeat(gif::Repeat::Infinite)
        .map_err(std::io::Error::other)?;
    for (i, image) in frames.iter().enumerate() {
        if progress.cancel.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("cancelled"));
        }
        let mut pixels = image.as_raw().clone();
        // Speed 10 of 30: NeuQuant's colours stay true to the map at a moderate cost.
        let mut frame = gif::Frame::from_rgba_speed(w, h, &mut pixels, 10);
        let last = i + 1 == frames.len();
        let ms = if last {
            settings.hold_ms.max(settings.delay_ms)
        } else {
            settings.delay_ms
        };
        // GIF counts in hundredths of a second.
        frame.delay = u16::try_from(ms.div_ceil(10)).unwrap_or(u16::MAX);
        encoder.write_frame(&frame).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// Numbered PNG frames in a new folder `out`: made beside it under a temporary name, then
/// renamed, so a failed export leaves no partial folder.
fn write_frames(out: &Path, frames: &[image::RgbaImage]) -> Result<u64, ExportError> {
    let error = |source| ExportError::Write {
        path: out.display().to_string(),
        source,
    };
    if out.exists() {
        return Err(error(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it already exists; frames go into a new folder",
        )));
    }
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = tempfile::Builder::new()
        .prefix(".evacmap-frames-")
        .tempdir_in(parent)
        .map_err(error)?;
    let mut bytes = 0;
    for (i, frame) in frames.iter().enumerate() {
        let path = temporary.path().join(format!("frame-{:04}.png", i + 1));
        frame
            .save(&path)
            .map_err(|e| error(std::io::Error::other(e.to_string())))?;
        bytes += std::fs::metadata(&path).map_err(error)?.len();
    }
    let kept = temporary.keep();
    std::fs::rename(&kept, out).map_err(|e| {
        std::fs::remove_dir_all(&kept).ok();
        error(e)
    })?;
    Ok(bytes)
}
