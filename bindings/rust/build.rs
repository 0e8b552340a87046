//! Where libminibuf is: $MINIBUF_LIB_DIR, else the build tree two levels
//! up (../../.libs, where libtool puts it).  The tests also link
//! gridstats, the C library of bindings/c, from $GRIDSTATS_LIB_DIR (else
//! ../c/.libs).  Both directories go into the run-time search path.
use std::env;
use std::path::PathBuf;

fn directory(variable: &str, default: &str) -> PathBuf {
    println!("cargo:rerun-if-env-changed={variable}");
    match env::var_os(variable) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap())
            .join(default),
    }
}

fn main() {
    let minibuf = directory("MINIBUF_LIB_DIR", "../../.libs");
    let gridstats = directory("GRIDSTATS_LIB_DIR", "../c/.libs");
    for dir in [&minibuf, &gridstats] {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    }
    println!("cargo:rustc-link-lib=dylib=minibuf");
}
