//! The default theme is compiled into the binary (`src/theme.rs`); a file added to or removed
//! from it must rebuild the binary, which the embedding alone does not notice.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
