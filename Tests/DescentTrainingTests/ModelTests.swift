import DescentFileIO
import DescentLinearAlgebra
import DescentNetwork
import DescentTestSupport
import Testing
import DescentTraining

@Suite("Model files on disk")
struct ModelTests {
    @Test("save then load gives the same network and metadata")
    func saveAndLoad() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var generator = SplitMix64(seed: 3)
        let network = try TrainingConfiguration().makeNetwork(using: &generator)
        let model = Model(network: network, metadata: ["seed": "3", "note": "quote \" and \\ and ü"])
        try model.save(to: folder.file("m.safetensors"))
        let loaded = try Model.load(folder.file("m.safetensors"))
        #expect(loaded.network == network)
        #expect(loaded.metadata["note"] == "quote \" and \\ and ü")
        #expect(loaded.encoded() == model.encoded())
    }

    @Test("a truncated or garbage model file is refused with its name; the old file survives a failed save")
    func badFiles() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var generator = SplitMix64(seed: 3)
        let model = Model(network: try TrainingConfiguration().makeNetwork(using: &generator))
        let bytes = model.encoded()
        try Files.writeAtomically(Array(bytes.prefix(bytes.count / 2)), to: folder.file("cut.safetensors"))
        try Files.writeAtomically(Array("not a model at all".utf8), to: folder.file("junk.safetensors"))
        for name in ["cut.safetensors", "junk.safetensors", "missing.safetensors"] {
            do {
                _ = try Model.load(folder.file(name))
                Issue.record("\(name) loaded")
            } catch {
                #expect("\(error)".contains(name), "\(name): \(error)")
            }
        }
        #expect(throws: FileError.self) { try model.save(to: folder.file("no/such/folder/m.safetensors")) }
    }
}
