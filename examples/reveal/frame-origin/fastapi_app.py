"""The card frame's origin, with FastAPI: serves the npm package's frame
(frame.html and the four modules it loads) and nothing else, under the
headers the isolated mode needs. Run it on its own origin (say
https://cards.example.com) and mount it from the shop's page with
`cardwire/isolated` (README, "Isolated mode").

    python examples/reveal/frame-origin/fastapi_app.py [port] [host-origin] [package-dir]
      -> prints "listening on http://127.0.0.1:PORT"

host-origin: the shop page's origin, the only one allowed to embed the frame.
package-dir: the npm package `cardwire` (node_modules/cardwire); the frame's
files are static and the same for every back end.
"""

import pathlib
import socket
import sys

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

HERE = pathlib.Path(__file__).resolve().parent
port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
host_origin = sys.argv[2] if len(sys.argv) > 2 else "https://shop.example.com"
package_dir = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else HERE / "../../../bindings-node/pkg"
FRAME_FILES = {"frame.html": "text/html", "frame.mjs": "text/javascript", "card.mjs": "text/javascript",
               "reveal.mjs": "text/javascript", "error.js": "text/javascript"}
HEADERS = {
    # Only this origin's own files; only the shop's page may embed the frame.
    "Content-Security-Policy": f"default-src 'self'; frame-ancestors {host_origin}",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/cardwire/{name}")
def frame_file(name: str) -> FileResponse:
    if name not in FRAME_FILES:
        raise HTTPException(status_code=404)
    return FileResponse(package_dir / name, media_type=FRAME_FILES[name], headers=HEADERS)


if __name__ == "__main__":
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(128)  # connections wait in the backlog until uvicorn serves them
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])
