"""Scene renders on a Dask cluster (`video.executor: dask`), behind the interface of the local worker pool.

The workers run `pipeline.scene_jobs.render_job` on paths in the build folder, so every worker must see this
project and its build folder at the same path (a shared file system: NFS, a cluster volume); the README says how to
start one. Dask workers live across runs: each job carries the version of the scene code it expects, and a worker
that holds another imports the scene modules afresh (scene_jobs.load_scene).
"""
from __future__ import annotations

from core.errors import UserError


class DaskExecutor:
    """`submit(fn, *args)` → a future with `.result()`, on the cluster whose scheduler is at `address`."""

    def __init__(self, address: str | None):
        if not address:
            raise UserError("settings 'video.executor' is dask, but no scheduler is named: set 'video.scheduler' "
                            "in config/settings.yaml or HRM_DASK_SCHEDULER")
        try:
            from distributed import Client
        except ImportError:
            raise UserError("video.executor dask needs the distributed package (run just setup)") from None
        try:
            self.client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise UserError(f"settings 'video.scheduler': no Dask scheduler answers at {address} ({err})") from None

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)     # a render writes files: never deduplicated

    def shutdown(self, wait: bool = True) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
