// Writing: the byte layout of the reference writer (safetensors `serialize`), made deterministic.

extension SafetensorsFile {
    /// The file's bytes: the header length, the compact JSON header, then the tensors' data.
    ///
    /// Layout, as the reference writer produces it: `__metadata__` first (omitted when empty; its keys
    /// sorted by UTF-8 bytes), then the tensors ordered by element type from widest to narrowest (the
    /// reference `Dtype` order, so `U64, I64, F64, F32, ...`), then by name (UTF-8 bytes); each entry
    /// written `{"dtype":..,"shape":[..],"data_offsets":[begin,end]}`; the header padded with spaces
    /// to a multiple of 8 bytes so that every tensor's data starts 8-byte aligned in the file; the
    /// data packed in the same order with no gaps. The same value always gives the same bytes.
    ///
    /// - Precondition: no tensor is named `__metadata__`, and every tensor's byte count matches its
    ///   shape and element type.
    /// - Complexity: O(total tensor bytes + t log t) for t tensors.
    public func encoded() -> [UInt8] {
        let ordered = tensors.sorted { left, right in
            if left.value.dtype.writerRank != right.value.dtype.writerRank {
                return left.value.dtype.writerRank > right.value.dtype.writerRank
            }
            return left.key.utf8.lexicographicallyPrecedes(right.key.utf8)
        }
        var header: [UInt8] = [UInt8(ascii: "{")]
        if !metadata.isEmpty {
            appendMetadata(to: &header)
        }
        var offset = 0
        for (name, tensor) in ordered {
            precondition(name != Self.metadataKey, "SafetensorsFile: a tensor cannot be named \(Self.metadataKey)")
            let byteCount = Tensor.byteCount(dtype: tensor.dtype, shape: tensor.shape)
            precondition(
                byteCount == tensor.bytes.count,
                "SafetensorsFile: tensor \(name) is \(tensor.dtype.rawValue) \(tensor.shape) but holds \(tensor.bytes.count) bytes"
            )
            if header.count > 1 { header.append(UInt8(ascii: ",")) }
            appendEntry(name: name, tensor: tensor, begin: offset, to: &header)
            offset += tensor.bytes.count
        }
        header.append(UInt8(ascii: "}"))
        let padding = (8 - header.count % 8) % 8
        header += [UInt8](repeating: UInt8(ascii: " "), count: padding)

        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        var length = UInt64(header.count)
        for _ in 0..<8 {
            out.append(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        out += header
        for (_, tensor) in ordered { out += tensor.bytes }
        return out
    }

    /// Appends `"__metadata__":{"key":"value",...}` with keys sorted by their UTF-8 bytes.
    private func appendMetadata(to header: inout [UInt8]) {
        JSONWriter.appendString(Self.metadataKey, to: &header)
        header += [UInt8(ascii: ":"), UInt8(ascii: "{")]
        let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (position, key) in keys.enumerated() {
            if position > 0 { header.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(key, to: &header)
            header.append(UInt8(ascii: ":"))
            JSONWriter.appendString(metadata[key] ?? "", to: &header)
        }
        header.append(UInt8(ascii: "}"))
    }

    /// Appends `"name":{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]}`.
    private func appendEntry(name: String, tensor: Tensor, begin: Int, to header: inout [UInt8]) {
        JSONWriter.appendString(name, to: &header)
        header += Array(":{\"dtype\":".utf8)
        JSONWriter.appendString(tensor.dtype.rawValue, to: &header)
        header += Array(",\"shape\":[".utf8)
        for (position, extent) in tensor.shape.enumerated() {
            if position > 0 { header.append(UInt8(ascii: ",")) }
            JSONWriter.appendInteger(extent, to: &header)
        }
        header += Array("],\"data_offsets\":[".utf8)
        JSONWriter.appendInteger(begin, to: &header)
        header.append(UInt8(ascii: ","))
        JSONWriter.appendInteger(begin + tensor.bytes.count, to: &header)
        header += Array("]}".utf8)
    }
}
