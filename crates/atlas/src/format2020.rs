//! The 2020 education release (13 TeV, 10 fb⁻¹ of 2016 data): tree `mini`,
//! energies in MeV, `std::vector` branches. The 81 branches, in the order
//! and with the types of the real files (`../shared/data/atlas/data_A.4lep.root`).

use hepkey_root::write::BranchSpec;
use hepkey_root::DType;

/// Tree name of the 2020 release.
pub const TREE: &str = "mini";

/// A branch of the format: a number per event, or a vector per event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Scalar(DType),
    Vector(DType),
}

use DType::{Bool as B, F32 as F, I32 as I, U32 as U};
use Kind::{Scalar as S, Vector as V};

/// Every branch of the 2020 format, in file order.
pub const BRANCHES: [(&str, Kind); 81] = [
    ("runNumber", S(I)),
    ("eventNumber", S(I)),
    ("channelNumber", S(I)),
    ("mcWeight", S(F)),
    ("scaleFactor_PILEUP", S(F)),
    ("scaleFactor_ELE", S(F)),
    ("scaleFactor_MUON", S(F)),
    ("scaleFactor_PHOTON", S(F)),
    ("scaleFactor_TAU", S(F)),
    ("scaleFactor_BTAG", S(F)),
    ("scaleFactor_LepTRIGGER", S(F)),
    ("scaleFactor_PhotonTRIGGER", S(F)),
    ("trigE", S(B)),
    ("trigM", S(B)),
    ("trigP", S(B)),
    ("lep_n", S(U)),
    ("lep_truthMatched", V(B)),
    ("lep_trigMatched", V(B)),
    ("lep_pt", V(F)),
    ("lep_eta", V(F)),
    ("lep_phi", V(F)),
    ("lep_E", V(F)),
    ("lep_z0", V(F)),
    ("lep_charge", V(I)),
    ("lep_type", V(U)),
    ("lep_isTightID", V(B)),
    ("lep_ptcone30", V(F)),
    ("lep_etcone20", V(F)),
    ("lep_trackd0pvunbiased", V(F)),
    ("lep_tracksigd0pvunbiased", V(F)),
    ("met_et", S(F)),
    ("met_phi", S(F)),
    ("jet_n", S(U)),
    ("jet_pt", V(F)),
    ("jet_eta", V(F)),
    ("jet_phi", V(F)),
    ("jet_E", V(F)),
    ("jet_jvt", V(F)),
    ("jet_trueflav", V(I)),
    ("jet_truthMatched", V(B)),
    ("jet_MV2c10", V(F)),
    ("photon_n", S(U)),
    ("photon_truthMatched", V(B)),
    ("photon_trigMatched", V(B)),
    ("photon_pt", V(F)),
    ("photon_eta", V(F)),
    ("photon_phi", V(F)),
    ("photon_E", V(F)),
    ("photon_isTightID", V(B)),
    ("photon_ptcone30", V(F)),
    ("photon_etcone20", V(F)),
    ("photon_convType", V(I)),
    ("tau_n", S(U)),
    ("tau_pt", V(F)),
    ("tau_eta", V(F)),
    ("tau_phi", V(F)),
    ("tau_E", V(F)),
    ("tau_isTightID", V(B)),
    ("tau_truthMatched", V(B)),
    ("tau_trigMatched", V(B)),
    ("tau_nTracks", V(I)),
    ("tau_BDTid", V(F)),
    ("ditau_m", S(F)),
    ("lep_pt_syst", V(F)),
    ("met_et_syst", S(F)),
    ("jet_pt_syst", V(F)),
    ("photon_pt_syst", V(F)),
    ("tau_pt_syst", V(F)),
    ("XSection", S(F)),
    ("SumWeights", S(F)),
    ("largeRjet_n", S(U)),
    ("largeRjet_pt", V(F)),
    ("largeRjet_eta", V(F)),
    ("largeRjet_phi", V(F)),
    ("largeRjet_E", V(F)),
    ("largeRjet_m", V(F)),
    ("largeRjet_truthMatched", V(F)),
    ("largeRjet_D2", V(F)),
    ("largeRjet_tau32", V(F)),
    ("largeRjet_pt_syst", V(F)),
    ("tau_charge", V(I)),
];

/// The writer's description of the branches.
pub fn branch_specs() -> Vec<BranchSpec> {
    BRANCHES
        .iter()
        .map(|(name, kind)| match kind {
            Kind::Scalar(p) => BranchSpec::scalar(name, *p),
            Kind::Vector(p) => BranchSpec::vector(name, *p),
        })
        .collect()
}

/// Luminosity of each 2016 data period in fb⁻¹ (total 10 fb⁻¹).
pub const PERIODS: [(&str, f64); 4] = [("A", 0.5), ("B", 1.9), ("C", 2.9), ("D", 4.7)];
