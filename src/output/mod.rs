//! Stage 7: write the site atomically. Files go into a temporary folder next to the target,
//! unchanged files are hard-linked from the previous build instead of written, and the new
//! folder is swapped into place in one step, so a failed or killed build leaves the previous
//! site whole. The output folder guard refuses folders the generator must never replace.

pub mod compress;
pub mod links;
pub mod offline;

use crate::error::{Error, Result, display_path};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Written into every output folder: the list of files of the build (hash, size, path). Its
/// presence marks the folder as ours; its hashes let the next build link unchanged files.
pub const MANIFEST: &str = ".kennisbank-manifest";

#[derive(Debug, Clone)]
pub enum Data {
    Bytes(Arc<Vec<u8>>),
    /// Copied from this source file at write time.
    Copy(PathBuf),
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Site-relative path with `/` separators (`guides/x/index.html`).
    pub path: String,
    pub data: Data,
    /// The file gzipped already (the search export compresses its files for the pack), for
    /// the `.gz` copy, so that no file is compressed twice.
    pub gzip: Option<Arc<Vec<u8>>>,
}

impl OutputFile {
    pub fn bytes(path: String, bytes: Vec<u8>) -> Self {
        OutputFile {
            path,
            data: Data::Bytes(Arc::new(bytes)),
            gzip: None,
        }
    }

    pub fn copy(path: String, source: PathBuf) -> Self {
        OutputFile {
            path,
            data: Data::Copy(source),
            gzip: None,
        }
    }
}

/// The whole built site in memory, by path.
#[derive(Debug, Default, Clone)]
pub struct Output {
    pub files: BTreeMap<String, Data>,
    /// Paths written twice (a page and an asset with the same URL, say).
    pub collisions: BTreeSet<String>,
}

impl Output {
    pub fn add(&mut self, f: OutputFile) {
        if self.files.insert(f.path.clone(), f.data).is_some() {
            self.collisions.insert(f.path);
        }
    }

    /// The bytes of a file, reading copied files from their source.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        match self.files.get(path)? {
            Data::Bytes(b) => Some(b.as_ref().clone()),
            Data::Copy(src) => std::fs::read(src).ok(),
        }
    }
}

/// Where built files go: into memory (a `Mutex<Output>`, for `serve`, `check` and `search`) or
/// straight into the temporary folder of an atomic write ([`Writer`]), so that a build never
/// holds the whole site in memory. Stages add files from many threads at once.
pub trait Sink: Sync {
    fn add(&self, f: OutputFile);
    /// Paths added more than once.
    fn collisions(&self) -> BTreeSet<String>;
}

impl Sink for std::sync::Mutex<Output> {
    fn add(&self, f: OutputFile) {
        self.lock().unwrap_or_else(|e| e.into_inner()).add(f);
    }

    fn collisions(&self) -> BTreeSet<String> {
        self.lock()
            .unwrap_or_else(|e| e.into_inner())
            .collisions
            .clone()
    }
}

/// 64-bit FNV-1a: stable across runs and platforms, for fingerprints and change detection.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Lexically normalise an absolute path (`a/./b/../c` → `a/c`) without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Absolute, normalised, with symlinks of the existing part resolved.
pub fn absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let abs = normalise(&abs);
    // Resolve the longest existing prefix, keep the rest as written.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut real = std::fs::canonicalize(&existing).unwrap_or(existing);
    for n in rest.into_iter().rev() {
        real.push(n);
    }
    real
}

/// Refuse output folders that are, or contain, something the build must not replace.
pub fn check_output_dir(out: &Path, root: &Path, protected: &[(&str, PathBuf)]) -> Result<()> {
    let out = absolute(out);
    let root = absolute(root);
    let refuse = |why: String| {
        Err(Error::Usage(format!(
            "refusing to write the site to {}: {why}",
            display_path(&out)
        )))
    };
    if out.parent().is_none() {
        return refuse("that is the file system root".into());
    }
    let home = std::env::var_os("HOME").map(|h| absolute(&PathBuf::from(h)));
    if home.is_some_and(|home| out == home || home.starts_with(&out)) {
        return refuse("that is (or contains) your home folder".into());
    }
    if root.starts_with(&out) {
        return refuse(
            "that is (or contains) the project itself; use a folder inside it such as `public`"
                .into(),
        );
    }
    for (name, path) in protected {
        let path = absolute(path);
        if out.starts_with(&path) || path.starts_with(&out) {
            return refuse(format!(
                "that is, contains or sits inside the {name} folder {}",
                display_path(&path)
            ));
        }
    }
    Ok(())
}

fn read_manifest(dir: &Path) -> Option<HashMap<String, (u64, u64)>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let mut map = HashMap::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(h), Some(size), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(h), Ok(size)) = (u64::from_str_radix(h, 16), size.parse()) {
            map.insert(path.to_string(), (h, size));
        }
    }
    Some(map)
}

/// What a write did, for the summary line and the benchmarks.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub files: usize,
    pub written: usize,
    pub linked: usize,
    pub bytes: u64,
}

/// Write `output` to `out` atomically. `force` accepts a non-empty folder the generator did
/// not write before (its files are replaced).
pub fn write(output: &Output, out: &Path, force: bool) -> Result<WriteStats> {
    let writer = Writer::begin(out, force, &|_| {})?;
    output.files.par_iter().for_each(|(path, data)| {
        writer.add(OutputFile {
            path: path.clone(),
            data: data.clone(),
            gzip: None,
        })
    });
    writer.finish()
}

/// An atomic write in progress. Files go into a temporary folder next to `out` as they are
/// added (unchanged ones hard-linked from the previous build); [`Writer::finish`] writes the
/// manifest and swaps the folder into place, [`Writer::abort`] (or a kill) leaves `out` as it
/// was.
pub struct Writer {
    out: PathBuf,
    tmp: PathBuf,
    /// Held while this build writes: a second build of the same output folder waits for it.
    _lock: std::fs::File,
    previous: HashMap<String, (u64, u64)>,
    state: std::sync::Mutex<WriterState>,
    /// Write a `.gz` copy next to each text file ([`compress`]).
    gzip: bool,
}

#[derive(Default)]
struct WriterState {
    /// Path → (hash, size, linked); `None` while the file is being written.
    files: BTreeMap<String, Option<(u64, u64, bool)>>,
    collisions: BTreeSet<String>,
    dirs: std::collections::HashSet<PathBuf>,
    error: Option<Error>,
}

/// Take the lock of an output folder, waiting (after calling `waiting`) while another build
/// holds it. The operating system releases it when the holder ends, however it ends.
fn lock_output(path: &Path, waiting: &dyn Fn(&Path)) -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => waiting(path),
        Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
    }
    file.lock().map_err(|e| Error::io(path, e))?;
    Ok(file)
}

impl Writer {
    /// Check that `out` may be replaced and open the temporary folder. When another build is
    /// writing the same folder, `waiting` is called and the build waits for it to finish.
    pub fn begin(out: &Path, force: bool, waiting: &dyn Fn(&Path)) -> Result<Writer> {
        let out = absolute(out);
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_default();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let lock = lock_output(&parent.join(format!(".{name}.kennisbank-lock")), waiting)?;
        let previous = if out.exists() {
            if !out.is_dir() {
                return Err(Error::Usage(format!(
                    "{} exists and is not a folder",
                    display_path(&out)
                )));
            }
            let manifest = read_manifest(&out);
            let empty = std::fs::read_dir(&out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if manifest.is_none() && !empty && !force {
                return Err(Error::Usage(format!(
                    "{} holds files that kennisbank did not write; refusing to replace them (pass --force to replace the folder)",
                    display_path(&out)
                )));
            }
            manifest.unwrap_or_default()
        } else {
            HashMap::new()
        };
        remove_stale_temp_dirs(&parent, &name);
        let tmp = parent.join(format!(".{name}.kennisbank-tmp-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(Writer {
            out,
            tmp,
            _lock: lock,
            previous,
            state: Default::default(),
            gzip: false,
        })
    }

    /// Also write a precompressed `.gz` copy of each text file (see [`compress`]).
    pub fn with_gzip(mut self, on: bool) -> Self {
        self.gzip = on;
        self
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WriterState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Write the manifest and put the new site in place.
    pub fn finish(self) -> Result<WriteStats> {
        let state = std::mem::take(&mut *self.state());
        if let Some(e) = state.error {
            self.abort();
            return Err(e);
        }
        let mut manifest = String::new();
        let mut stats = WriteStats::default();
        for (path, entry) in &state.files {
            let Some((h, size, linked)) = entry else {
                continue;
            };
            manifest.push_str(&format!("{h:016x}\t{size}\t{path}\n"));
            stats.files += 1;
            stats.bytes += size;
            if *linked {
                stats.linked += 1;
            } else {
                stats.written += 1;
            }
        }
        let m = self.tmp.join(MANIFEST);
        if let Err(e) = std::fs::write(&m, manifest) {
            self.abort();
            return Err(Error::io(&m, e));
        }
        swap_into_place(&self.tmp, &self.out)?;
        Ok(stats)
    }

    /// Remove the temporary folder; the previous site stays as it was.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
    }

    fn write(&self, f: &OutputFile) -> Result<(u64, u64, bool)> {
        if let Some(dir) = Path::new(&f.path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            let dir = self.tmp.join(dir);
            if !self.state().dirs.contains(&dir) {
                std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                self.state().dirs.insert(dir);
            }
        }
        write_one(&f.path, &f.data, &self.tmp, &self.out, &self.previous)
    }
}

impl Sink for Writer {
    fn add(&self, f: OutputFile) {
        {
            let mut state = self.state();
            if state.error.is_some() {
                return;
            }
            if state.files.contains_key(&f.path) {
                state.collisions.insert(f.path);
                return;
            }
            state.files.insert(f.path.clone(), None);
        }
        let result = self.write(&f);
        let gz = match &result {
            Ok((_, size, linked)) if self.gzip && compress::wanted(&f.path, *size as usize) => {
                Some(self.write_gzip(&f, *linked))
            }
            _ => None,
        };
        let mut state = self.state();
        match result {
            Ok(done) => {
                state.files.insert(f.path.clone(), Some(done));
            }
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
        match gz {
            Some(Ok(Some(done))) => {
                // a file of the site's own with that name wins
                state
                    .files
                    .entry(format!("{}.gz", f.path))
                    .or_insert(Some(done));
            }
            Some(Err(e)) => {
                state.error.get_or_insert(e);
            }
            _ => {}
        }
    }

    fn collisions(&self) -> BTreeSet<String> {
        self.state().collisions.clone()
    }
}

impl Writer {
    /// The `.gz` copy of a file just written: linked from the previous build when the file was
    /// unchanged, compressed otherwise. `None` when compressing does not pay.
    fn write_gzip(&self, f: &OutputFile, linked: bool) -> Result<Option<(u64, u64, bool)>> {
        let path = format!("{}.gz", f.path);
        let dest = self.tmp.join(&path);
        if let (true, Some(&(h, size))) = (linked, self.previous.get(&path))
            && std::fs::hard_link(self.out.join(&path), &dest).is_ok()
        {
            return Ok(Some((h, size, true)));
        }
        if let (Some(gz), Data::Bytes(b)) = (&f.gzip, &f.data) {
            if !compress::pays(gz.len(), b.len()) {
                return Ok(None);
            }
            std::fs::write(&dest, gz.as_slice()).map_err(|e| Error::io(&dest, e))?;
            return Ok(Some((hash(gz), gz.len() as u64, false)));
        }
        let bytes: std::borrow::Cow<[u8]> = match &f.data {
            Data::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
            Data::Copy(_) => {
                let written = self.tmp.join(&f.path);
                std::borrow::Cow::Owned(
                    std::fs::read(&written).map_err(|e| Error::io(&written, e))?,
                )
            }
        };
        let Some(gz) = compress::gzip(&bytes) else {
            return Ok(None);
        };
        std::fs::write(&dest, &gz).map_err(|e| Error::io(&dest, e))?;
        Ok(Some((hash(&gz), gz.len() as u64, false)))
    }
}

fn remove_stale_temp_dirs(parent: &Path, name: &str) {
    let prefix = format!(".{name}.kennisbank-tmp-");
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

fn write_one(
    path: &str,
    data: &Data,
    tmp: &Path,
    out: &Path,
    previous: &HashMap<String, (u64, u64)>,
) -> Result<(u64, u64, bool)> {
    let dest = tmp.join(path);
    let bytes: std::borrow::Cow<[u8]> = match data {
        Data::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
        Data::Copy(src) => {
            std::borrow::Cow::Owned(std::fs::read(src).map_err(|e| Error::io(src, e))?)
        }
    };
    let h = hash(&bytes);
    let size = bytes.len() as u64;
    if previous.get(path) == Some(&(h, size)) && std::fs::hard_link(out.join(path), &dest).is_ok() {
        return Ok((h, size, true));
    }
    std::fs::write(&dest, &bytes).map_err(|e| Error::io(&dest, e))?;
    Ok((h, size, false))
}

/// Put `tmp` where `out` is, in one step where the platform allows it, then delete the old site.
fn swap_into_place(tmp: &Path, out: &Path) -> Result<()> {
    if !out.exists() {
        return std::fs::rename(tmp, out).map_err(|e| Error::io(out, e));
    }
    if exchange(tmp, out).is_ok() {
        // `tmp` now holds the previous site.
        let _ = std::fs::remove_dir_all(tmp);
        return Ok(());
    }
    let old = tmp.with_extension("old");
    std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
    std::fs::rename(tmp, out).map_err(|e| Error::io(out, e))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "atomic exchange is not available on this platform",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_refuses_project_content_and_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let protected = [("content", root.join("content"))];
        assert!(check_output_dir(&root.join("public"), &root, &protected).is_ok());
        for bad in [
            root.clone(),
            root.join("content"),
            root.join("content/x"),
            dir.path().to_path_buf(),
            PathBuf::from("/"),
        ] {
            let err = check_output_dir(&bad, &root, &protected).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{bad:?} accepted");
        }
    }

    #[test]
    fn second_write_links_unchanged_files_and_replaces_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut o = Output::default();
        o.add(OutputFile::bytes("a/index.html".into(), b"A".to_vec()));
        o.add(OutputFile::bytes("b.txt".into(), b"B".to_vec()));
        let s1 = write(&o, &out, false).unwrap();
        assert_eq!((s1.written, s1.linked), (2, 0));
        o.add(OutputFile::bytes("b.txt".into(), b"B2".to_vec()));
        let s2 = write(&o, &out, false).unwrap();
        assert_eq!((s2.written, s2.linked), (1, 1));
        assert_eq!(std::fs::read(out.join("b.txt")).unwrap(), b"B2");
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A");
        // no temporary folder is left behind, only the folder and its lock file
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".public.kennisbank-lock", "public"]);
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), b"precious").unwrap();
        let err = write(&Output::default(), dir.path(), false).unwrap_err();
        assert!(err.to_string().contains("--force"));
        assert!(dir.path().join("thesis.docx").exists());
    }
}
