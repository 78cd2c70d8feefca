public import DescentFileIO

/// The contents of a safetensors file: named tensors and free-form string metadata.
///
/// Reading checks every byte before trusting it (`init(bytes:source:)`); writing is deterministic,
/// so the same value always encodes to the same bytes (`encoded()`), laid out as the reference
/// Python/Rust writer lays them out.
public struct SafetensorsFile: Equatable, Sendable {
    /// The tensors by name. The name `__metadata__` is reserved by the format.
    public var tensors: [String: Tensor]
    /// Free-form text stored under the header's `__metadata__` key.
    public var metadata: [String: String]

    /// Creates a file value from tensors and metadata.
    ///
    /// - Parameters:
    ///   - tensors: The tensors by name; no name may be `__metadata__`.
    ///   - metadata: Text to store beside them; an empty dictionary writes no `__metadata__`.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and validates the safetensors file at `path`.
    ///
    /// - Parameter path: The file to read; it also names the file in errors.
    /// - Throws: `FileError` if the file cannot be read, `SafetensorsError` if it is not a valid
    ///   safetensors file.
    /// - Complexity: O(size of the file).
    public static func read(_ path: String) throws -> SafetensorsFile {
        let bytes = try Files.read(path)
        return try SafetensorsFile(bytes: bytes, source: path)
    }

    /// Writes `encoded()` to `path` atomically: a crash leaves the old file or the new one.
    ///
    /// - Parameter path: The file to create or replace.
    /// - Throws: `FileError.unwritable` naming `path`; any previous file is then untouched.
    /// - Complexity: O(total tensor bytes).
    public func write(to path: String) throws(FileError) {
        try Files.writeAtomically(encoded(), to: path)
    }
}
