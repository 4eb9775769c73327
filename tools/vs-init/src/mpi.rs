//! The few MPI calls `vs-init --shard` needs, declared by hand against
//! Open MPI's C ABI (the `mpi` crate would need bindgen and libclang).
//! Built with the cargo feature `mpi`; build.rs links `libmpi`.
//!
//! Open MPI's predefined handles (`MPI_COMM_WORLD`, `MPI_UINT64_T`,
//! `MPI_SUM`, ...) are the addresses of global objects of the library
//! (`&ompi_mpi_comm_world`, ...; mpi.h's `OMPI_PREDEFINED_GLOBAL`). Other
//! MPI implementations (MPICH: integer handles) have another ABI: this
//! module is for Open MPI only. All `unsafe` of vs-init is here.

use std::ffi::{c_char, c_int, c_void};

use crate::Failure;
use crate::shard::Comm;

/// The opaque type of Open MPI's predefined objects: only their address
/// is used.
#[repr(C)]
struct Predefined {
    _opaque: [u8; 0],
}

type Handle = *mut c_void;

const MPI_SUCCESS: c_int = 0;
/// `MPI_THREAD_FUNNELED` (mpi.h's enum: SINGLE, FUNNELED, ...): only the
/// main thread calls MPI; the fill and writer threads never do.
const MPI_THREAD_FUNNELED: c_int = 1;

unsafe extern "C" {
    static ompi_mpi_comm_world: Predefined;
    static ompi_mpi_uint64_t: Predefined;
    static ompi_mpi_double: Predefined;
    static ompi_mpi_op_min: Predefined;
    static ompi_mpi_op_sum: Predefined;

    fn MPI_Initialized(flag: *mut c_int) -> c_int;
    fn MPI_Init_thread(
        argc: *mut c_int,
        argv: *mut *mut *mut c_char,
        required: c_int,
        provided: *mut c_int,
    ) -> c_int;
    fn MPI_Comm_rank(comm: Handle, rank: *mut c_int) -> c_int;
    fn MPI_Comm_size(comm: Handle, size: *mut c_int) -> c_int;
    fn MPI_Barrier(comm: Handle) -> c_int;
    fn MPI_Bcast(
        buffer: *mut c_void,
        count: c_int,
        datatype: Handle,
        root: c_int,
        comm: Handle,
    ) -> c_int;
    fn MPI_Allreduce(
        sendbuf: *const c_void,
        recvbuf: *mut c_void,
        count: c_int,
        datatype: Handle,
        op: Handle,
        comm: Handle,
    ) -> c_int;
    fn MPI_Abort(comm: Handle, errorcode: c_int) -> c_int;
    fn MPI_Finalize() -> c_int;
}

fn handle(p: *const Predefined) -> Handle {
    p.cast_mut().cast()
}

fn world() -> Handle {
    handle(&raw const ompi_mpi_comm_world)
}

/// The exit status of a rank stopped by [`abort`].
const ABORT_STATUS: c_int = 70;

/// Stops every rank of the job (MPI_Abort): the last resort when the ranks
/// can no longer agree through collectives (a panic).
fn abort() -> ! {
    // SAFETY: MPI is initialized (only World::init installs the hook that
    // calls this); MPI_Abort takes the world communicator handle by value
    // and does not return.
    unsafe {
        MPI_Abort(world(), ABORT_STATUS);
    }
    std::process::abort()
}

/// `MPI_COMM_WORLD`, initialized by [`World::init`] and finalized on drop.
pub struct World {
    rank: usize,
    size: usize,
}

fn check(call: &str, status: c_int) {
    // With MPI's default error handler (MPI_ERRORS_ARE_FATAL) a failing
    // call aborts the job before returning; anything else is a broken
    // MPI, and the ranks cannot agree any more.
    if status != MPI_SUCCESS {
        eprintln!("vs-init: error: {call} failed with status {status}");
        abort();
    }
}

impl World {
    /// Initializes MPI (once per process) and reads this rank and the
    /// rank count. A panic on any rank from now on aborts the whole job,
    /// so that no rank waits forever in a collective.
    pub fn init() -> Result<World, Failure> {
        let mut flag: c_int = 0;
        // SAFETY: MPI_Initialized may be called at any time; it writes one
        // int through a valid pointer.
        let status = unsafe { MPI_Initialized(&mut flag) };
        if status != MPI_SUCCESS || flag != 0 {
            return Err(Failure::output(format!(
                "cannot initialize MPI (MPI_Initialized: status {status}, initialized {flag})"
            )));
        }
        let mut provided: c_int = 0;
        // SAFETY: called once, before any other MPI call but
        // MPI_Initialized; null argc/argv are allowed by MPI-2 and later;
        // `provided` is a valid int.
        let status = unsafe {
            MPI_Init_thread(
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                MPI_THREAD_FUNNELED,
                &mut provided,
            )
        };
        if status != MPI_SUCCESS {
            return Err(Failure::output(format!(
                "cannot initialize MPI (MPI_Init_thread: status {status})"
            )));
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            abort();
        }));
        let (mut rank, mut size): (c_int, c_int) = (0, 0);
        // SAFETY: MPI is initialized; the handle is Open MPI's world
        // communicator; each call writes one int through a valid pointer.
        unsafe {
            check("MPI_Comm_rank", MPI_Comm_rank(world(), &mut rank));
            check("MPI_Comm_size", MPI_Comm_size(world(), &mut size));
        }
        Ok(World {
            rank: usize::try_from(rank).unwrap_or(0),
            size: usize::try_from(size).unwrap_or(1).max(1),
        })
    }
}

impl World {
    /// Waits for every rank.
    pub fn barrier(&self) {
        // SAFETY: MPI is initialized; the world communicator handle.
        unsafe { check("MPI_Barrier", MPI_Barrier(world())) }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // SAFETY: MPI was initialized by World::init and is finalized once
        // (World is neither Clone nor Copy); every rank reaches this after
        // the same sequence of collectives.
        let status = unsafe { MPI_Finalize() };
        if status != MPI_SUCCESS {
            eprintln!("vs-init: warning: MPI_Finalize failed with status {status}");
        }
    }
}

fn count(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or_else(|_| panic!("{n} values are too many for one MPI call"))
}

impl Comm for World {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.size
    }

    fn bcast_u64(&self, value: u64) -> u64 {
        let mut v = value;
        // SAFETY: one u64 (MPI_UINT64_T) at a valid, writable address;
        // root 0 of the world communicator.
        unsafe {
            check(
                "MPI_Bcast",
                MPI_Bcast(
                    (&raw mut v).cast(),
                    1,
                    handle(&raw const ompi_mpi_uint64_t),
                    0,
                    world(),
                ),
            );
        }
        v
    }

    fn min_u64(&self, value: u64) -> u64 {
        let mut out = 0u64;
        // SAFETY: send and receive buffers are distinct valid u64s
        // (MPI_UINT64_T, count 1); MPI_MIN is defined on it.
        unsafe {
            check(
                "MPI_Allreduce",
                MPI_Allreduce(
                    (&raw const value).cast(),
                    (&raw mut out).cast(),
                    1,
                    handle(&raw const ompi_mpi_uint64_t),
                    handle(&raw const ompi_mpi_op_min),
                    world(),
                ),
            );
        }
        out
    }

    fn sum_f64(&self, values: &mut [f64]) {
        if values.is_empty() {
            return;
        }
        let send = values.to_vec();
        // SAFETY: `send` and `values` are distinct buffers of
        // `values.len()` doubles (MPI_DOUBLE); MPI_SUM is defined on it.
        unsafe {
            check(
                "MPI_Allreduce",
                MPI_Allreduce(
                    send.as_ptr().cast(),
                    values.as_mut_ptr().cast(),
                    count(values.len()),
                    handle(&raw const ompi_mpi_double),
                    handle(&raw const ompi_mpi_op_sum),
                    world(),
                ),
            );
        }
    }
}
