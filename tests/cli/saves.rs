//! `generate` and `convert`: channels written as RON or `.cspx`, read back by every command.

use super::{csp, stderr, stdout};

#[test]
fn generate_writes_a_channel_that_check_reads_and_refuses_impossible_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.ron");
    let args = [
        "generate",
        "--providers",
        "3",
        "--resellers",
        "30",
        "--direct-bill",
        "2",
        "--customers",
        "300",
        "--seed",
        "5",
        "--break-rate",
        "0.1",
        "-o",
        out.to_str().unwrap(),
    ];
    let o = csp(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Generated 336 parties and "),
        "{}",
        stdout(&o)
    );
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(csp(&args).status.success());
    assert_eq!(
        first,
        std::fs::read_to_string(&out).unwrap(),
        "same seed, same file"
    );
    let checked = csp(&["check", out.to_str().unwrap()]);
    assert!(
        stdout(&checked).contains("violation"),
        "{}",
        stdout(&checked)
    );

    let bad = csp(&["generate", "--providers", "0", "-o", out.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("needs at least one provider"),
        "{}",
        stderr(&bad)
    );
}

/// `convert` turns a RON save into the compact `.cspx` and back; every command reads either,
/// recognised by content (a `.cspx` renamed to `.ron` still opens), and the round trip is lossless.
#[test]
fn convert_writes_cspx_that_every_command_reads_and_back_to_the_same_ron() {
    let dir = tempfile::tempdir().unwrap();
    let ron = dir.path().join("channel.ron");
    let generated = csp(&[
        "generate",
        "--providers",
        "2",
        "--resellers",
        "20",
        "--customers",
        "200",
        "-o",
        ron.to_str().unwrap(),
    ]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let cspx = dir.path().join("channel.cspx");
    let o = csp(&["convert", ron.to_str().unwrap(), cspx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let counts = |o: &std::process::Output| stdout(o).split(" to ").next().unwrap().to_owned();
    let written = counts(&o);
    assert!(
        stdout(&o).contains("(compact binary .cspx)"),
        "{}",
        stdout(&o)
    );
    let bytes = std::fs::read(&cspx).unwrap();
    assert!(bytes.starts_with(b"CSPX"));
    assert!(bytes.len() * 2 < std::fs::metadata(&ron).unwrap().len() as usize);
    // Named like a RON file, read by its content.
    let disguised = dir.path().join("disguised.ron");
    std::fs::write(&disguised, &bytes).unwrap();
    let text = csp(&["check", ron.to_str().unwrap()]);
    let binary = csp(&["check", disguised.to_str().unwrap()]);
    assert_eq!(stdout(&text), stdout(&binary), "the same findings");
    let back = dir.path().join("back.ron");
    let o = csp(&["convert", cspx.to_str().unwrap(), back.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&ron).unwrap(),
        std::fs::read_to_string(&back).unwrap(),
        "RON -> .cspx -> RON is the same file"
    );
    // .cspx to .cspx (written from the records, without building the channel): the same bytes.
    let again = dir.path().join("again.cspx");
    let o = csp(&["convert", cspx.to_str().unwrap(), again.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(counts(&o), written);
    assert!(
        std::fs::read(&again).unwrap() == bytes,
        ".cspx -> .cspx is the same file"
    );
    // A damaged .cspx: exit 2 and a message naming the file, from `check` and `convert` alike.
    let cut = dir.path().join("cut.cspx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    for command in ["check", "convert"] {
        let mut args = vec![command, cut.to_str().unwrap()];
        if command == "convert" {
            args.push(again.to_str().unwrap());
        }
        let o = csp(&args);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("cut.cspx") && stderr(&o).contains("cannot be read"),
            "{}",
            stderr(&o)
        );
    }
    assert!(
        std::fs::read(&again).unwrap() == bytes,
        "a refused input writes nothing"
    );
}
