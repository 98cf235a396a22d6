//! A 200 MB download and a 200 MB upload through the features SDK, with the process's peak
//! resident memory (`VmHWM`) read from /proc before and after: streamed bodies must never sit
//! whole in memory. The server is in this process too (a raw HTTP/1.1 server that generates the
//! download and discards the upload chunk by chunk), so the figure bounds both ends.
//!
//! `cargo run -p codeqr-tests --example stream_memory` (what `.ci/run` runs: it fails above
//! 50 MB); `-- whole` reads the download into a `Vec<u8>` instead, for comparison
//! (BENCHMARKS.md, "Streamed bodies").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::time::{Duration, Instant};

use features_sdk::{Client, FileUpload};
use futures::TryStreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SIZE: u64 = 200 * 1024 * 1024;
const LIMIT_KB: u64 = 50 * 1000;
const CHUNK: usize = 64 * 1024;

/// The n-th byte of the content both directions carry.
fn byte_at(n: u64) -> u8 {
    (n % 251) as u8
}

/// Peak resident set size so far, in kB.
fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn serve(listener: TcpListener) {
    loop {
        let (mut socket, _) = listener.accept().await.unwrap();
        tokio::spawn(async move {
            let mut head = Vec::new();
            let mut buffer = vec![0u8; CHUNK];
            let head_end = loop {
                let n = socket.read(&mut buffer).await.unwrap();
                if n == 0 {
                    return;
                }
                head.extend_from_slice(&buffer[..n]);
                if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
            };
            let text = String::from_utf8_lossy(&head[..head_end]).to_lowercase();
            if text.starts_with("get ") {
                let status = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/pdf\r\ncontent-length: {SIZE}\r\n\r\n"
                );
                socket.write_all(status.as_bytes()).await.unwrap();
                let mut sent = 0u64;
                while sent < SIZE {
                    let len = CHUNK.min((SIZE - sent) as usize);
                    let chunk: Vec<u8> = (0..len as u64).map(|i| byte_at(sent + i)).collect();
                    socket.write_all(&chunk).await.unwrap();
                    sent += len as u64;
                }
            } else {
                let length: u64 = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                // Check the upload byte by byte as it arrives; keep none of it.
                let mut received = 0u64;
                let check = |bytes: &[u8], received: &mut u64| {
                    for &b in bytes {
                        assert_eq!(b, byte_at(*received), "upload byte {received}");
                        *received += 1;
                    }
                };
                check(&head[head_end..], &mut received);
                while received < length {
                    let n = socket.read(&mut buffer).await.unwrap();
                    assert!(n > 0, "the upload ended at {received} of {length} bytes");
                    check(&buffer[..n], &mut received);
                }
                let answer = if received == SIZE {
                    "HTTP/1.1 204 No Content\r\n\r\n"
                } else {
                    "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"
                };
                socket.write_all(answer.as_bytes()).await.unwrap();
            }
        });
    }
}

#[tokio::main]
async fn main() {
    let whole = std::env::args().any(|a| a == "whole");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(listener));
    let client = Client::builder()
        .base_url(uri)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();

    // The upload's file, written in chunks.
    let path = std::env::temp_dir().join(format!("stream-memory-{}.bin", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut written = 0u64;
        while written < SIZE {
            let len = CHUNK.min((SIZE - written) as usize);
            let chunk: Vec<u8> = (0..len as u64).map(|i| byte_at(written + i)).collect();
            file.write_all(&chunk).unwrap();
            written += len as u64;
        }
    }
    let before = peak_kb();

    let started = Instant::now();
    let downloaded = if whole {
        let body = client.default().get_report("big").await.unwrap();
        body.len() as u64
    } else {
        let mut stream = client.default().get_report("big").stream().await.unwrap();
        let mut n = 0u64;
        while let Some(chunk) = stream.try_next().await.unwrap() {
            for &b in chunk.iter() {
                assert_eq!(b, byte_at(n), "download byte {n}");
                n += 1;
            }
        }
        n
    };
    let download_time = started.elapsed();
    assert_eq!(downloaded, SIZE);
    let after_download = peak_kb();

    let started = Instant::now();
    client
        .pets()
        .put_photo("p1", FileUpload::from_path(&path))
        .await
        .unwrap();
    let upload_time = started.elapsed();
    let after_upload = peak_kb();
    let _ = std::fs::remove_file(&path);

    println!(
        "mode: {}; peak RSS before: {before} kB; after the 200 MiB download: {after_download} kB ({:.1} s); after the 200 MiB upload: {after_upload} kB ({:.1} s)",
        if whole { "whole" } else { "streamed" },
        download_time.as_secs_f64(),
        upload_time.as_secs_f64()
    );
    if !whole && after_upload > LIMIT_KB {
        eprintln!("peak RSS {after_upload} kB is over {LIMIT_KB} kB");
        std::process::exit(1);
    }
}
