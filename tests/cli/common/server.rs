//! A tiny HTTP server on 127.0.0.1 for webhook tests: it answers every request with a status the
//! test chooses and keeps what it received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub content_type: String,
    pub body: String,
}

/// A tiny HTTP server in a thread: answers every POST with `status` (changeable) and keeps what
/// it received. `silent` servers accept and never answer; `echoing` ones quote the request's
/// path (token and all) in the body of an unsuccessful answer, as some servers' error pages do.
pub struct Server {
    pub port: u16,
    status: Arc<AtomicU16>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub fn start(status: u16, silent: bool) -> Server {
        Server::spawn(status, silent, false)
    }

    /// A server whose unsuccessful answers quote the path it was asked for.
    pub fn echoing(status: u16) -> Server {
        Server::spawn(status, false, true)
    }

    fn spawn(status: u16, silent: bool, echo: bool) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let status = Arc::new(AtomicU16::new(status));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (answer, seen) = (status.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if silent {
                    // Hold the connection open without a word until the test is long over.
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_secs(30));
                        drop(stream);
                    });
                    continue;
                }
                let request = read_request(&stream);
                let path = request.as_ref().map(|r| r.path.clone()).unwrap_or_default();
                if let Some(request) = request {
                    seen.lock().unwrap().push(request);
                }
                let status = answer.load(Ordering::SeqCst);
                let body = if status == 200 {
                    "ok".to_string()
                } else if echo {
                    format!("<html><body>No route for POST {path}</body></html>")
                } else {
                    "upstream exploded\n\x1b[31mred".to_string()
                };
                let _ = write!(
                    &stream,
                    "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Server {
            port,
            status,
            requests,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let (mut length, mut content_type) = (0, String::new());
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "content-type" => content_type = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        content_type,
        body: String::from_utf8(body).ok()?,
    })
}
