//! Snapshot files on disk: pretty JSON, or the same JSON compact and compressed with zstd when
//! the file name ends in `.zst`. Reading recognises a compressed file by its first bytes, whatever its
//! name, so `--snapshot` takes either.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use serde::Serialize;

use crate::text::write_json_safe;

/// Every zstd frame begins with these bytes.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// Compression level for written snapshots: zstd's default, fast (the JSON of an organization
/// shrinks more than tenfold at level 3; higher levels cost seconds for a few percent).
const LEVEL: i32 = 3;

const BUFFER: usize = 1 << 16;

/// Whether a snapshot written to `path` is compressed.
pub fn compressed(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// Opens a snapshot file for reading, decompressing it when it is zstd.
pub fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    let mut file = BufReader::with_capacity(BUFFER, std::fs::File::open(path)?);
    let head = file.fill_buf()?;
    if head.starts_with(&ZSTD_MAGIC) {
        Ok(Box::new(BufReader::with_capacity(
            BUFFER,
            zstd::Decoder::with_buffer(file)?,
        )))
    } else {
        Ok(Box::new(file))
    }
}

/// Writes `value` as a snapshot with every character a terminal could act on escaped (see
/// [`crate::text::JsonSafeWriter`]) and a final newline: pretty JSON to read, or, when `compress`, compact
/// JSON compressed (half the text to parse again when it is loaded).
pub fn write(out: &mut dyn Write, compress: bool, value: &impl Serialize) -> io::Result<()> {
    if compress {
        let mut encoder = zstd::Encoder::new(out, LEVEL)?;
        write_json(&mut encoder, value, false)?;
        encoder.finish()?.flush()
    } else {
        write_json(out, value, true)?;
        out.flush()
    }
}

fn write_json(out: &mut dyn Write, value: &impl Serialize, pretty: bool) -> io::Result<()> {
    write_json_safe(out, |safe| {
        if pretty {
            serde_json::to_writer_pretty(&mut *safe, value)
        } else {
            serde_json::to_writer(&mut *safe, value)
        }
        .map_err(io::Error::other)?;
        safe.write_all(b"\n")
    })
}

/// Writes `value` as a snapshot file at `path` (compressed when it ends in `.zst`).
pub fn write_file(path: &Path, value: &impl Serialize) -> io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    write(&mut file, compressed(path), value)?;
    file.sync_all()
}
