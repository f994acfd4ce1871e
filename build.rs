//! Embeds the app icon in the Windows executable (Explorer, the taskbar and the installer show it).
//! Nothing to do on other systems: Linux packages and the macOS bundle carry the PNG icons
//! (cargo-packager metadata in Cargo.toml), and the window icon is set at run time (src/ui/mod.rs).

fn main() {
    println!("cargo:rerun-if-changed=assets/icon/csp-explorer.ico");
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(windows)]
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let mut resource = winresource::WindowsResource::new();
        resource.set_icon("assets/icon/csp-explorer.ico");
        // A missing resource compiler costs the executable its icon, not the build.
        if let Err(e) = resource.compile() {
            println!("cargo:warning=the executable gets no icon: {e}");
        }
    }
}
