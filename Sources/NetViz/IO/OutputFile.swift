import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes outputs the way Unix tools do (Docs/cli.md, "Limits and untrusted input"):
/// - a regular file (new or existing) is written whole or not at all: into an unnamed temporary file in the same
///   folder (Linux's O_TMPFILE, so a killed run leaves nothing behind), named and renamed over the target at the end;
///   where O_TMPFILE is missing, a temporary named with the process id, whose stale copies are removed first;
/// - `-` and `/dev/stdout` are standard output; a FIFO, a character device or a socket is written to directly;
/// - a symbolic link is followed, so the file it points to is replaced and the link stays;
/// - a read-only file, a directory, a missing folder or one of the command's input files is an error, found by
///   `check` before any work, so a command can check every output before it writes any.
public enum OutputFile {
    /// Where bytes for a path go.
    enum Target: Equatable {
        case standardOutput
        /// Not a regular file: opened and written in place.
        case special(String)
        /// A regular file (existing or not), at the end of any symbolic links.
        case regular(String)
    }

    /// Checks that `path` can be written and is none of `inputs`; throws the error `write` would throw.
    public static func check(_ path: String, inputs: [String] = []) throws {
        _ = try target(path, inputs: inputs)
    }

    /// A string's UTF-8 is written from its own storage, not copied again.
    public static func write(_ text: String, to path: String, inputs: [String] = []) throws {
        var text = text
        try text.withUTF8 { buffer in try write(to: path, inputs: inputs) { try $0(UnsafeRawBufferPointer(buffer)) } }
    }

    public static func write(_ data: Data, to path: String, inputs: [String] = []) throws {
        try data.withUnsafeBytes { buffer in try write(to: path, inputs: inputs) { try $0(buffer) } }
    }

    /// Bytes handed over in pieces as `produce` makes them (`summary --format json` of a million layers is never
    /// held whole), with the same guarantees: a regular file appears only once `produce` has finished.
    public static func write(
        to path: String, inputs: [String] = [], _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        switch try target(path, inputs: inputs) {
        case .standardOutput: try writeStandardOutput(produce)
        case .special(let resolved):
            let fd = open(resolved, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw failure(path, errno) }
            defer { close(fd) }
            try produce { if let error = writeAll(fd, $0) { throw failure(path, error) } }
        case .regular(let resolved): try replace(resolved, reportedAs: path, produce)
        }
    }

    /// Standard output, with a failed write (`> /dev/full`, a closed pipe) an error rather than ignored.
    public static func writeStandardOutput(_ data: Data) throws {
        try data.withUnsafeBytes { buffer in try writeStandardOutput { try $0(buffer) } }
    }

    public static func writeStandardOutput(_ text: String) throws {
        var text = text
        try text.withUTF8 { buffer in try writeStandardOutput { try $0(UnsafeRawBufferPointer(buffer)) } }
    }

    public static func writeStandardOutput(_ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try produce { buffer in
            if let error = writeAll(STDOUT_FILENO, buffer) {
                throw NetVizError.file(path: "standard output", message: "cannot write: \(String(cString: strerror(error)))")
            }
        }
    }

    // MARK: Deciding where to write

    static func target(_ path: String, inputs: [String]) throws -> Target {
        if path == "-" || path == "/dev/stdout" { return .standardOutput }
        guard !path.isEmpty else { throw NetVizError.file(path: path, message: "cannot write: the path is empty") }
        let resolved = followLinks(path)
        var info = stat()
        if stat(resolved, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { throw NetVizError.file(path: path, message: "cannot write: it is a directory") }
            if kind != S_IFREG { return .special(resolved) }
            for input in inputs where sameFile(input, info) {
                throw NetVizError.file(path: path, message: "cannot write: it is the input file \(input)")
            }
            // Root may write anything, so the mode bits are checked too: a read-only file is kept, as `cp` keeps it.
            if info.st_mode & 0o222 == 0 || access(resolved, W_OK) != 0 {
                throw NetVizError.file(path: path, message: "cannot write: the file is read-only")
            }
        } else if path.hasSuffix("/") {
            throw NetVizError.file(path: path, message: "cannot write: it is a directory")
        }
        let directory = (resolved as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw NetVizError.file(path: path, message: "cannot write: directory \(folder) does not exist")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw NetVizError.file(path: path, message: "cannot write: directory \(folder) is not writable")
        }
        return .regular(resolved)
    }

    /// The path at the end of its symbolic links (a dangling link gives the file it would create).
    public static func followLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
            current = destination.hasPrefix("/")
                ? destination : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        }
        return current
    }

    static func sameFile(_ path: String, _ info: stat) -> Bool {
        var other = stat()
        return stat(path, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino
    }

    // MARK: Writing a regular file whole

    static func replace(
        _ path: String, reportedAs shown: String, _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let folder = { let d = (path as NSString).deletingLastPathComponent; return d.isEmpty ? "." : d }()
        var existing = stat()
        let mode: mode_t = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666 & ~currentUmask()
        var fd = open(folder, oTmpFile | O_WRONLY | O_CLOEXEC, mode)
        var named: String? = nil
        if fd < 0 {
            // No O_TMPFILE here (an old kernel or some file systems): a name with our pid; stale ones removed first.
            removeStaleTemporaries(of: path)
            let name = temporaryName(for: path, pid: getpid())
            fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard fd >= 0 else { throw failure(shown, errno) }
            named = name
        }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        func fail(_ error: Int32) -> NetVizError {
            if let named { unlink(named) }
            return failure(shown, error)
        }
        do {
            try produce { if let error = writeAll(fd, $0) { throw fail(error) } }
        } catch {
            if let named { unlink(named) }  // a failure while producing: nothing is left behind either
            throw error
        }
        if fchmod(fd, mode) != 0 || fsync(fd) != 0 { throw fail(errno) }
        if named == nil {
            // Give the unnamed file a name only now that it is complete.
            let name = temporaryName(for: path, pid: getpid())
            unlink(name)
            guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 else { throw fail(errno) }
            named = name
        }
        closed = true
        guard close(fd) == 0 else { throw fail(errno) }
        guard let named, rename(named, path) == 0 else { throw fail(errno) }
    }

    /// Linux's O_TMPFILE (`__O_TMPFILE | O_DIRECTORY`), a macro Swift does not import.
    static let oTmpFile: Int32 = 0o20000000 | O_DIRECTORY

    static func temporaryName(for path: String, pid: Int32) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = ".\((path as NSString).lastPathComponent).netviz-\(pid).tmp"
        return folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
    }

    /// Temporaries of this path left by runs that were killed (their process is gone).
    static func removeStaleTemporaries(of path: String) {
        let folder = { let d = (path as NSString).deletingLastPathComponent; return d.isEmpty ? "." : d }()
        let prefix = ".\((path as NSString).lastPathComponent).netviz-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            guard let pid = Int32(name.dropFirst(prefix.count).dropLast(4)), pid > 0 else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { unlink((folder as NSString).appendingPathComponent(name)) }
        }
    }

    static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    /// Writes every byte, retrying short writes and EINTR; the errno of a failure.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32? {
        guard var pointer = buffer.baseAddress else { return nil }
        var remaining = buffer.count
        while remaining > 0 {
            let written = Glibc.write(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            pointer += written
            remaining -= written
        }
        return nil
    }

    static func failure(_ path: String, _ error: Int32) -> NetVizError {
        let reason = error == EACCES ? "permission denied" : String(cString: strerror(error))
        return NetVizError.file(path: path, message: "cannot write: \(reason)")
    }
}
