fn main() {
    std::process::exit(kennisbank::cli::main());
}
