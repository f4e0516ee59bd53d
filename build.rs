//! The default theme (`src/theme.rs`) and the starter sites of `init` (`src/init/`) are compiled
//! into the binary; a file added to or removed from them must rebuild it, which the embedding
//! alone does not notice.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=src/init");
}
