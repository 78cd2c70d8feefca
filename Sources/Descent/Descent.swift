// Descent: one import for the common path. Build a network, train it on any labelled data, save it,
// load it, and predict, with everything that path needs re-exported from the modules below.
//
// What it is not: the web explorer (`DescentExplorer`), the pictures (`DescentPictures`), the
// video's experiments (`DescentExperiments`) and the data-set downloader (`DescentDownload`) are
// products of their own, so that a program that only trains and predicts links none of them.

@_exported public import DescentLinearAlgebra
@_exported public import DescentFileIO
@_exported public import DescentSafetensors
@_exported public import DescentDatasets
@_exported public import DescentNetwork
@_exported public import DescentTraining
