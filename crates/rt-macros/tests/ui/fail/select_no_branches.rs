#[rt::main]
async fn main() {
    let () = rt::select! {};
}
