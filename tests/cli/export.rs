//! `export`: each format written, bad arguments refused.

use super::{csp, stderr, stdout};

#[test]
fn export_writes_each_format_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    for format in [
        "svg", "png", "drawio", "dot", "graphml", "gexf", "mermaid", "md", "csv", "json",
    ] {
        let out = dir.path().join(format!("out.{format}"));
        let o = csp(&[
            "export",
            "builtin:sample-1-forbidden",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        assert!(std::fs::metadata(&out).unwrap().len() > 100, "{format}");
    }
    let bad = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "pdf",
        "-o",
        "x.pdf",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("\"pdf\" is not a format"),
        "{}",
        stderr(&bad)
    );
    let out = dir.path().join("big.png");
    let huge = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "png",
        "--scale",
        "40",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(huge.status.code(), Some(2));
    assert!(stderr(&huge).contains("scale 40"));
    assert!(!out.exists());
    let out = dir.path().join("excel.csv");
    let excel = csp(&[
        "export",
        "builtin:sample-1-forbidden",
        "--format",
        "csv",
        "--excel",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(excel.status.success(), "{}", stderr(&excel));
    assert!(
        std::fs::read(&out)
            .unwrap()
            .starts_with(b"\xEF\xBB\xBFseverity,")
    );
}

#[test]
fn the_findings_csv_for_german_excel_is_semicolon_separated() {
    let o = csp(&[
        "export",
        "builtin:sample-7-forbidden",
        "--format",
        "csv",
        "--excel",
        "--locale",
        "de_DE",
        "-o",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stdout.starts_with(b"\xEF\xBB\xBFseverity;rule;"),
        "{}",
        stdout(&o)
    );
    let o = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "csv",
        "--delimiter",
        "tab",
        "-o",
        "-",
    ]);
    assert!(o.stdout.starts_with(b"severity\trule\t"), "{}", stdout(&o));
    let o = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "csv",
        "--delimiter",
        "ab",
        "-o",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// An SVG written to a `.svgz` file is gzip-compressed (the extension chooses, as the tools that
/// open it decide by it): it reads back as the same drawing, and renderers open it as an SVG.
#[test]
fn an_svg_to_a_svgz_file_is_compressed_and_reads_back() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str| {
        let out = dir.path().join(name);
        let o = csp(&[
            "export",
            "builtin:sample-7-forbidden",
            "--format",
            "svg",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        std::fs::read(out).unwrap()
    };
    let (plain, packed) = (write("slide.svg"), write("slide.svgz"));
    assert!(plain.starts_with(b"<svg"), "a .svg stays text");
    assert_eq!(&packed[..2], b"\x1f\x8b", "gzip's magic number");
    assert!(
        packed.len() * 3 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_end(&mut unpacked)
        .expect("gzip");
    assert_eq!(unpacked, plain);
    let tree = resvg::usvg::Tree::from_data(&packed, &resvg::usvg::Options::default())
        .expect("usvg opens the .svgz");
    assert!(tree.size().width() > 100.0);
    assert_eq!(write("SLIDE.SVGZ"), packed, "any case");
}

/// A DOT of a channel too large for Graphviz `dot` warns with the command that draws it; a small
/// one does not.
#[test]
fn a_dot_too_large_for_graphviz_dot_warns_with_the_command_that_draws_it() {
    let dir = tempfile::tempdir().unwrap();
    let channel = dir.path().join("c1100.cspx");
    let generated = csp(&[
        "generate",
        "--providers",
        "3",
        "--resellers",
        "100",
        "--direct-bill",
        "5",
        "--customers",
        "1000",
        "-o",
        channel.to_str().unwrap(),
    ]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let dot = dir.path().join("c1100.dot");
    let o = csp(&[
        "export",
        channel.to_str().unwrap(),
        "--format",
        "dot",
        "-o",
        dot.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let warning = stderr(&o);
    assert!(
        warning.contains("parties are too many for Graphviz `dot`")
            && warning.contains(&format!("neato -n2 -Tsvg {}", dot.display())),
        "{warning}"
    );
    let small = dir.path().join("small.dot");
    let o = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "dot",
        "-o",
        small.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

/// A 10,000-party channel put on a slide as a new user would, following only the messages: the
/// PNG with no flags is refused, offering `--slide`; with it, the first try writes a 16:9 picture
/// of 1920×1080 pixels. A size of another shape is refused, naming a slide's.
#[test]
fn a_ten_thousand_party_channel_goes_on_one_slide_following_the_messages() {
    let dir = tempfile::tempdir().unwrap();
    let channel = dir.path().join("c10k.cspx");
    let generated = csp(&[
        "generate",
        "--providers",
        "5",
        "--resellers",
        "1000",
        "--direct-bill",
        "10",
        "--customers",
        "8500",
        "-o",
        channel.to_str().unwrap(),
    ]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let png = dir.path().join("slide.png");
    let export = |extra: &[&str]| {
        let mut args = vec![
            "export",
            channel.to_str().unwrap(),
            "--format",
            "png",
            "-o",
            png.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        csp(&args)
    };
    let refused = export(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let message = stderr(&refused);
    // What the message offers for a slide, taken as written.
    let offered = message
        .split_once("on one slide use ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("a slide offered in {message}"));
    assert_eq!(offered, "--slide", "{message}");
    assert!(!png.exists(), "a refused PNG leaves no file");
    let o = export(&[offered]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&png).unwrap();
    let size = |bytes: &[u8]| {
        let side = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        (side(16), side(20))
    };
    assert_eq!(size(&bytes), (1920, 1080), "a 16:9 slide");
    let o = export(&["--slide=1080x1920"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1920x1080 is 16:9"), "{}", stderr(&o));
    // `--slide` just before the channel's file is a slide of the default size, not a size read
    // from the file's name; a size is given after `=`.
    std::fs::remove_file(&png).unwrap();
    let slide_before_the_file = |format: &str, slide: &str, out: &std::path::Path| {
        let o = csp(&[
            "export",
            "--format",
            format,
            slide,
            channel.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(out).unwrap()
    };
    let bytes = slide_before_the_file("png", "--slide", &png);
    assert_eq!(size(&bytes), (1920, 1080), "a 16:9 slide");
    let svg = slide_before_the_file("svg", "--slide=1280x720", &png.with_extension("svg"));
    let svg = String::from_utf8(svg).unwrap();
    assert!(
        svg.contains(r#"width="1280" height="720""#),
        "{}",
        &svg[..300]
    );
    std::fs::remove_file(&png).unwrap();
    // A size after a space, before or after the file, is pointed to its `=`.
    for args in [
        ["--slide", "3840x2160", channel.to_str().unwrap()],
        [channel.to_str().unwrap(), "--slide", "3840x2160"],
    ] {
        let mut all = vec!["export", "--format", "png", "-o", png.to_str().unwrap()];
        all.extend(args);
        let o = csp(&all);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("--slide=3840x2160"), "{}", stderr(&o));
        assert!(!png.exists());
    }
    let o = csp(&[
        "export",
        channel.to_str().unwrap(),
        "--format",
        "drawio",
        "--slide",
        "-o",
        dir.path().join("x.drawio").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--slide draws a slide as svg or png"),
        "{}",
        stderr(&o)
    );
}
