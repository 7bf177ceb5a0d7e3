import Foundation

/// A process-wide count of the threads running the parallel parts of a computation (the parse's halves and join,
/// `ParallelJobs` in Models), so that background work the output needs only later (the input's SHA-256,
/// `FileDigest`) runs only on a core they leave free. A background thread at idle priority alone was not enough: the
/// kernel left it on a core for 4–8 ms slices while both compute threads time-shared the other one.
public enum ComputeThreads {
    /// Runs `body` counted as a busy compute thread: one call per thread (one `concurrentPerform` iteration).
    @inlinable
    public static func working<T>(_ body: () throws -> T) rethrows -> T {
        gate.enter()
        defer { gate.leave() }
        return try body()
    }

    /// Background work that yields its core to the computation: it calls `pause()` between small steps, which waits
    /// while compute threads hold every core, until `hurry()` (someone is waiting for the result) lets it run on.
    public final class Background: @unchecked Sendable {
        /// Guarded by the gate's lock.
        fileprivate var hurried = false

        public init() {}

        /// Returns at once when a core is free of compute threads (or after `hurry()`); otherwise waits for one.
        public func pause() { gate.pause(self) }

        /// From now on `pause()` never waits: the result is awaited, so the waiter's core is free.
        public func hurry() { gate.hurry(self) }
    }

    /// The cores this process may run on (its CPU affinity), at least 1.
    public static var cores: Int { gate.cores }

    /// Compute threads counted now (for tests).
    public static var busy: Int { gate.busyNow }

    @usableFromInline
    static let gate = Gate()

    @usableFromInline
    final class Gate: @unchecked Sendable {
        private let lock: UnsafeMutablePointer<pthread_mutex_t>
        private let changed: UnsafeMutablePointer<pthread_cond_t>
        private var busy = 0
        private var waiting = 0
        let cores: Int

        init() {
            lock = .allocate(capacity: 1)
            changed = .allocate(capacity: 1)
            pthread_mutex_init(lock, nil)
            pthread_cond_init(changed, nil)
            cores = Gate.availableCores()
        }

        @usableFromInline
        func enter() {
            pthread_mutex_lock(lock)
            busy += 1
            pthread_mutex_unlock(lock)
        }

        @usableFromInline
        func leave() {
            pthread_mutex_lock(lock)
            busy -= 1
            if waiting > 0 && busy < cores { pthread_cond_broadcast(changed) }
            pthread_mutex_unlock(lock)
        }

        var busyNow: Int {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            return busy
        }

        func pause(_ work: Background) {
            pthread_mutex_lock(lock)
            while busy >= cores && !work.hurried {
                waiting += 1
                pthread_cond_wait(changed, lock)
                waiting -= 1
            }
            pthread_mutex_unlock(lock)
        }

        func hurry(_ work: Background) {
            pthread_mutex_lock(lock)
            work.hurried = true
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(lock)
        }

        /// The CPUs this process may use: on Linux its affinity mask (`taskset -c 0` gives 1; Glibc's module has no
        /// `sched_getaffinity`, and Foundation's count ignores the mask), else the active processors.
        private static func availableCores() -> Int {
            #if os(Linux)
            if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
                let count = line.dropFirst("Cpus_allowed:".count).reduce(0) { sum, c in
                    sum + (c.hexDigitValue ?? 0).nonzeroBitCount
                }
                if count > 0 { return count }
            }
            #endif
            return max(ProcessInfo.processInfo.activeProcessorCount, 1)
        }
    }
}
