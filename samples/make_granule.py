#!/usr/bin/python3
"""make_granule.py - write a synthetic ICESat-2 ATL06-like granule with h5py.

The seed notebook read real ATL06 granules from S3; we cannot reach them,
so this makes a local file of the same shape: six beam groups (gt1l ...
gt3r), each with land_ice_segments/ and its subgroups of 1-D variables in
small gzip chunks (10000 elements, as in the real product), every dataset
and group carrying many small attributes, and top-level ancillary_data/,
METADATA/, orbit_info/ and quality_assessment/ groups full of tiny
datasets and attributes.  Objects are created and written one after the
other, so HDF5's metadata lands scattered between the data chunks, as in
the real product; that scatter is what makes remote reads of the original
flavor slow and what h5repack's paged layout fixes.

The output is deterministic: a fixed random seed, no object timestamps.
Values look physical (latitude monotone along track, h_li rising from
the coast into an ice sheet) and hold no fill values, so variable means
are meaningful and comparable across flavors and readers.

It writes OUT.h5.partial and renames it, so OUT.h5 is never left half
written; an existing OUT.h5 is replaced (the output is deterministic).
"""

import argparse
import os
import sys

import h5py
import numpy as np

SEED = 20200811
BEAMS = ("gt1l", "gt1r", "gt2l", "gt2r", "gt3l", "gt3r")
SEGMENT_M = 20.0            # ATL06 segments are 20 m apart along track
GROUND_SPEED_M_S = 6900.0   # ground speed of the footprint
M_PER_DEG = 111320.0
GPS_EPOCH_S = 1198800018.0  # ATLAS SDP epoch (2018-01-01) in GPS seconds
T0_S = 82313716.0           # granule start, seconds since the SDP epoch
FILL_F32 = np.float32(3.4028235e38)
FILL_F64 = np.float64(1.7976931348623157e308)


def parse_args(argv):
    """Return the parsed command line; argparse exits 2 on misuse."""
    parser = argparse.ArgumentParser(
        description="Write a deterministic ICESat-2 ATL06-like granule.",
        epilog="Example: make_granule.py /tmp/ATL06_granule.h5 "
               "--elements 20000")
    parser.add_argument("out", metavar="OUT.h5", help="file to write")
    parser.add_argument("--elements", type=int, default=150000,
                        metavar="N",
                        help="segments per beam (default 150000, about "
                             "67 MB; 20000 makes a 10 MB CI granule)")
    parser.add_argument("--chunk", type=int, default=10000, metavar="N",
                        help="chunk length in elements (default 10000, "
                             "as in the real product)")
    args = parser.parse_args(argv)
    if args.elements < 1:
        parser.error("--elements must be at least 1")
    if args.chunk < 1:
        parser.error("--chunk must be at least 1")
    return args


def text(value):
    """Return a fixed-length ASCII string, as the real product stores."""
    return np.bytes_(value)


def set_attrs(obj, attrs):
    """Attach each (name, value) of attrs to obj; strings become ASCII."""
    for name, value in attrs.items():
        obj.attrs[name] = text(value) if isinstance(value, str) else value


# One entry per variable: (subgroup of land_ice_segments or "", name,
# dtype, units, long_name, contentType, description).  The values are
# computed by track_values() under the same name.
VARIABLES = (
    ("", "delta_time", "f8", "seconds since 2018-01-01",
     "Elapsed GPS seconds", "physicalMeasurement",
     "Number of GPS seconds since the ATLAS SDP epoch. The ATLAS Standard "
     "Data Products (SDP) epoch offset is defined within "
     "/ancillary_data/atlas_sdp_gps_epoch as the number of GPS seconds "
     "between the GPS epoch (1980-01-06T00:00:00.000000Z UTC) and the "
     "ATLAS SDP epoch."),
    ("", "h_li", "f4", "meters", "Land Ice height", "physicalMeasurement",
     "Standard land-ice segment height determined by land ice algorithm, "
     "corrected for first-photon bias, representing the median-based "
     "height of the selected PEs"),
    ("", "h_li_sigma", "f4", "meters",
     "Expected RMS segment misfit", "qualityInformation",
     "Propagated error due to sampling error and FPB correction from the "
     "land ice algorithm"),
    ("", "latitude", "f8", "degrees_north", "Latitude",
     "physicalMeasurement",
     "Latitude of segment center, WGS84, North=+,"),
    ("", "longitude", "f8", "degrees_east", "Longitude",
     "physicalMeasurement",
     "Longitude of segment center, , WGS84, East=+"),
    ("", "atl06_quality_summary", "i1", "1", "ATL06_Quality_Summary",
     "qualityInformation",
     "The ATL06_quality_summary parameter indicates the best-quality "
     "subset of all ATL06 data. A zero in this parameter implies that no "
     "data-quality tests have found a problem with the segment, a one "
     "implies that some potential problem has been found."),
    ("", "segment_id", "i4", "1", "Reference Point, m",
     "referenceInformation",
     "Segment number, counting from the equator. Equal to the segment_id "
     "for the second of the two 20m ATL03 segments included in the 40m "
     "ATL06 segment"),
    ("", "sigma_geo_h", "f4", "meters",
     "Vertical Geolocation Error", "qualityInformation",
     "Total vertical geolocation error due to PPD and POD, including the "
     "effects of horizontal geolocation error on the segment vertical "
     "error."),
    ("ground_track", "x_atc", "f8", "meters", "Along Track Distance",
     "referenceInformation",
     "Along-track distance from the equator crossing to the segment "
     "center."),
    ("ground_track", "y_atc", "f4", "meters", "Across Track Distance",
     "referenceInformation",
     "Across-track distance from the reference ground track to the "
     "segment center, measured in the direction of the reference ground "
     "track's normal."),
    ("ground_track", "seg_azimuth", "f4", "degrees_east",
     "Segment azimuth", "referenceInformation",
     "The direction, eastwards from north, of the segment direction."),
    ("ground_track", "ref_azimuth", "f4", "radians", "Reference azimuth",
     "referenceInformation",
     "Azimuth of the unit pointing vector for the reference photon in "
     "the local ENU frame in radians."),
    ("ground_track", "sigma_geo_at", "f4", "meters",
     "Along-track geolocation uncertainty", "qualityInformation",
     "Geolocation uncertainty in the along-track direction, from "
     "ATL03."),
    ("ground_track", "sigma_geo_xt", "f4", "meters",
     "Across-track geolocation uncertainty", "qualityInformation",
     "Geolocation uncertainty in the across-track direction, from "
     "ATL03."),
    ("fit_statistics", "dh_fit_dx", "f4", "meters/meters",
     "Fit along track slope", "modelResult",
     "Along-track slope from along-track segment fit"),
    ("fit_statistics", "dh_fit_dy", "f4", "meters/meters",
     "Fit across track slope", "modelResult",
     "Across-track slope from segment fits to weak and strong beam; the "
     "same slope is reported for both laser beams in each pair"),
    ("fit_statistics", "h_mean", "f4", "meters", "Mean surface height",
     "physicalMeasurement",
     "Mean surface height, not corrected for first-photon bias or "
     "pulse truncation"),
    ("fit_statistics", "h_rms_misfit", "f4", "meters",
     "Height rms misfit", "qualityInformation",
     "RMS misfit of the surface fit to the selected photon events"),
    ("fit_statistics", "n_fit_photons", "i4", "counts",
     "Number of fit photons", "qualityInformation",
     "Number of PEs used to determine mean surface height in the "
     "iterative surface fit"),
    ("fit_statistics", "snr", "f4", "1", "SNR", "qualityInformation",
     "Signal-to-noise ratio in the final refined window"),
    ("fit_statistics", "signal_selection_source", "i1", "1",
     "Signal selection source", "qualityInformation",
     "Indicates the last algorithm attempted to select the signal for "
     "ATL06 fitting. 0=ATL03 confidence flags, 1=backup algorithm."),
    ("geophysical", "bsnow_conf", "i1", "1", "Blowing snow confidence",
     "qualityInformation",
     "Indicates the greatest (among all photons in the segment) "
     "confidence flag for blowing snow."),
    ("geophysical", "bsnow_h", "f4", "meters", "Blowing snow top h",
     "modelResult",
     "Blowing snow layer top height, from ATL09."),
    ("geophysical", "cloud_flg_asr", "i1", "1", "Cloud Flag ASR",
     "modelResult",
     "Cloud flag (probability) from apparent surface reflectance."),
    ("geophysical", "dac", "f4", "meters",
     "Dynamic Atmosphere Correction", "modelResult",
     "Dynamic Atmospheric Correction (DAC) includes inverted barometer "
     "(IB) effect."),
    ("geophysical", "tide_ocean", "f4", "meters", "Ocean Tide",
     "modelResult",
     "Ocean tides including diurnal and semi-diurnal (harmonic analysis),"
     " and longer period tides (dynamic and self-consistent equilibrium)."),
    ("geophysical", "tide_earth", "f4", "meters", "Earth Tide",
     "modelResult",
     "Solid Earth Tide. The solid earth tide height is in the tide-free "
     "system."),
    ("geophysical", "solar_elevation", "f4", "degrees",
     "solar elevation", "modelResult",
     "Solar Angle above or below the plane tangent to the ellipsoid "
     "surface at the laser spot."),
    ("geophysical", "r_eff", "f4", "1",
     "Effective Reflectance", "modelResult",
     "Effective, uncorrected reflectance (Pr/Pt)."),
    ("bias_correction", "fpb_mean_corr", "f4", "meters",
     "first photon bias mean correction", "modelResult",
     "First-photon bias correction to the mean segment height"),
    ("bias_correction", "tx_mean_corr", "f4", "meters",
     "tx shape mean correction", "modelResult",
     "Estimate of the difference between the full-waveform transmit-pulse"
     " mean and the mean of a broadened, truncated waveform"),
    ("bias_correction", "fpb_n_corr", "i4", "counts",
     "first photon bias number correction", "modelResult",
     "Estimated photon count after first-photon bias correction"),
    ("dem", "dem_h", "f4", "meters", "DEM Height", "modelResult",
     "Best available DEM (in priority of GIMP/ANTARCTIC/GMTED/MSS) value "
     "at the geolocation point. Height is in meters above the WGS84 "
     "Ellipsoid."),
    ("dem", "geoid_h", "f4", "meters", "Geoid Height", "modelResult",
     "Geoid height above WGS-84 reference ellipsoid (range -107 to 86m)"),
    ("dem", "dem_flag", "i1", "1", "DEM source flag",
     "referenceInformation",
     "Indicates source of the DEM height. 0=None, 1=Arctic, 2=GMTED, "
     "3=MSS, 4=Antarctic"),
)

SUBGROUP_DESCRIPTIONS = {
    "ground_track": "The ground_track subgroup contains parameters "
                    "describing the GT and RGT for each land ice segment, "
                    "as well as angular information about the beams.",
    "fit_statistics": "The fit_statistics subgroup contains a variety "
                      "parameters describing the quality of the "
                      "segment fits.",
    "geophysical": "The geophysical group contains parameters used to "
                   "correct segment heights for geophysical effects, "
                   "parameters related to solar background and "
                   "parameters indicative of the presence or absence of "
                   "clouds.",
    "bias_correction": "The bias_correction subgroup contains "
                       "information about the estimated first-photon "
                       "bias, and the transmit-pulse-shape bias.",
    "dem": "The dem group contains the reference digital elevation model "
           "and geoid heights.",
}


def track_values(rng, beam_index, n):
    """Return {name: ndarray} of all VARIABLES for one beam of n segments.

    The track runs from the coast (h near 0) south into the ice sheet
    interior, so latitude decreases monotonically and h_li rises.
    """
    pair, right = divmod(beam_index, 2)
    i = np.arange(n, dtype=np.float64)
    first_segment = 1590000 + 7 * beam_index
    along_m = i * SEGMENT_M
    y_atc = (pair - 1) * 3300.0 + (45.0 if right else -45.0)
    lat = -60.5 - along_m / M_PER_DEG - y_atc / M_PER_DEG * 0.02
    lon = 141.2 + 12.0 * (along_m / 3.0e6) ** 2 \
        + y_atc / (M_PER_DEG * np.cos(np.radians(lat)))
    lon = (lon + 180.0) % 360.0 - 180.0
    h = 3200.0 * (1.0 - np.exp(-along_m / 400.0e3)) \
        + 30.0 * np.sin(2 * np.pi * along_m / 25.0e3) \
        + 4.0 * np.sin(2 * np.pi * along_m / 3.1e3 + beam_index)
    h_noisy = h + rng.normal(0.0, 0.05, n)
    slope_x = np.gradient(h, SEGMENT_M)
    snr = np.abs(rng.normal(40.0 if right else 12.0, 5.0, n))
    n_photons = rng.poisson(180 if right else 45, n)
    return {
        "delta_time": T0_S + along_m / GROUND_SPEED_M_S,
        "h_li": h_noisy,
        "h_li_sigma": 0.01 + np.abs(rng.normal(0.04, 0.02, n)),
        "latitude": lat,
        "longitude": lon,
        "atl06_quality_summary": (rng.random(n) < 0.04),
        "segment_id": first_segment + i,
        "sigma_geo_h": 0.25 + 0.02 * rng.random(n),
        "x_atc": 1.7e7 + along_m,
        "y_atc": y_atc + rng.normal(0.0, 0.5, n),
        "seg_azimuth": 178.5 - 0.3 * along_m / 3.0e6 + 0 * i,
        "ref_azimuth": np.radians(-1.4 + 0.2 * along_m / 3.0e6 + 0 * i),
        "sigma_geo_at": 2.5 + 0.5 * rng.random(n),
        "sigma_geo_xt": 3.0 + 0.5 * rng.random(n),
        "dh_fit_dx": slope_x + rng.normal(0.0, 0.002, n),
        "dh_fit_dy": 0.3 * slope_x + rng.normal(0.0, 0.004, n),
        "h_mean": h_noisy + 0.02 + rng.normal(0.0, 0.01, n),
        "h_rms_misfit": np.abs(rng.normal(0.3, 0.05, n)),
        "n_fit_photons": n_photons,
        "snr": snr,
        "signal_selection_source": (rng.random(n) < 0.01),
        "bsnow_conf": np.where(rng.random(n) < 0.02, 2, -1),
        "bsnow_h": 500.0 + 0 * i,
        "cloud_flg_asr": np.minimum(rng.poisson(0.3, n), 5),
        "dac": -0.12 + 0.05 * np.sin(2 * np.pi * along_m / 2.0e6),
        "tide_ocean": 0.0 * i,
        "tide_earth": 0.18 * np.sin(2 * np.pi * along_m / 9.0e6),
        "solar_elevation": 12.0 - 9.0 * along_m / 3.0e6,
        "r_eff": np.abs(rng.normal(0.85, 0.1, n)),
        "fpb_mean_corr": -np.abs(rng.normal(0.002, 0.001, n)),
        "tx_mean_corr": -0.0095 + 0 * i,
        "fpb_n_corr": n_photons + rng.poisson(1.0, n),
        "dem_h": h + rng.normal(0.0, 3.0, n),
        "geoid_h": -18.0 + 10.0 * np.sin(2 * np.pi * along_m / 5.0e6),
        "dem_flag": 4 + 0 * i,
    }


def fill_value(dtype):
    """Return the product's _FillValue for a numpy dtype code."""
    return {"f4": FILL_F32, "f8": FILL_F64, "i1": np.int8(127),
            "i4": np.int32(2147483647)}[dtype]


def write_variable(group, spec, values, args, scale):
    """Create, fill and annotate one 1-D variable; return the dataset.

    RATIONALE: unlimited maxshape, as the real product has, gives a
    version-1 B-tree chunk index and lets h5repack use chunks longer
    than the variable.
    """
    _, name, dtype, units, long_name, content, description = spec
    data = np.asarray(values).astype(dtype)
    dset = group.create_dataset(
        name, data=data, maxshape=(None,),
        chunks=(min(args.chunk, len(data)),), compression="gzip",
        compression_opts=6, fillvalue=fill_value(dtype))
    set_attrs(dset, {
        "units": units, "long_name": long_name, "contentType": content,
        "description": description, "source": "Land Ice ATBD, section "
        "3.%d" % (len(name) % 9 + 1),
        "coordinates": ("../delta_time ../latitude ../longitude"
                        if spec[0] else "delta_time latitude longitude"),
        "_FillValue": fill_value(dtype),
    })
    if dtype in ("i1",):
        set_attrs(dset, {"flag_values": np.arange(3, dtype=np.int8),
                         "flag_meanings": "none low high",
                         "valid_min": np.int8(-1), "valid_max": np.int8(5)})
    if scale is not None:
        dset.dims[0].attach_scale(scale)
    return dset


def write_beam(root, rng, beam_index, args):
    """Write one beam group with land_ice_segments and its subgroups."""
    beam = BEAMS[beam_index]
    grp = root.create_group(beam)
    pair, right = divmod(beam_index, 2)
    set_attrs(grp, {
        "Description": "Each group contains the segments for one Ground "
                       "Track. As ICESat-2 orbits the earth, sequential "
                       "transmit pulses illuminate six ground tracks.",
        "atlas_beam_type": "strong" if right else "weak",
        "atlas_pce": "pce%d" % (pair + 1),
        "atlas_spot_number": "%d" % (2 * pair + 2 - right),
        "atmosphere_profile": "profile_%d" % (pair + 1),
        "groundtrack_id": beam, "sc_orientation": "Forward",
        "data_rate": "Data within this group are sparse.",
    })
    lis = grp.create_group("land_ice_segments")
    set_attrs(lis, {
        "Description": "The land_ice_segments group contains the primary "
                       "set of derived ATL06 products.",
        "data_rate": "Data within this group are stored at the "
                     "land_ice_segments segment rate.",
    })
    values = track_values(rng, beam_index, args.elements)
    scale = None
    for spec in VARIABLES:
        sub = spec[0]
        group = lis.require_group(sub) if sub else lis
        if sub and "Description" not in group.attrs:
            set_attrs(group, {"Description": SUBGROUP_DESCRIPTIONS[sub],
                              "data_rate": "Data within this group are "
                              "stored at the land_ice_segments rate."})
        dset = write_variable(group, spec, values[spec[1]], args, scale)
        if spec[1] == "delta_time":
            dset.make_scale("delta_time")
            scale = dset
    write_residual_histogram(grp, rng, beam_index)


def write_residual_histogram(beam_grp, rng, beam_index):
    """Write the small per-beam residual_histogram group (2-D counts)."""
    grp = beam_grp.create_group("residual_histogram")
    set_attrs(grp, {"Description": "Histograms of residuals, every 10 km",
                    "data_rate": "Data are stored every 10 km."})
    counts = rng.poisson(3.0 + beam_index, size=(60, 200)).astype("f4")
    dset = grp.create_dataset("count", data=counts, chunks=(60, 200),
                              compression="gzip", compression_opts=6)
    set_attrs(dset, {"units": "counts", "long_name": "Residual histogram",
                     "contentType": "modelResult",
                     "description": "Histogram of residuals of selected "
                                    "photons, in 0.25 m bins."})


ANCILLARY = {
    "atlas_sdp_gps_epoch": (np.float64(GPS_EPOCH_S), "seconds",
                            "ATLAS Epoch Offset"),
    "data_start_utc": ("2020-08-11T14:34:58.000000Z", "1",
                       "Start UTC Time of Granule (CCSDS-A, Actual)"),
    "data_end_utc": ("2020-08-11T14:43:28.000000Z", "1",
                     "End UTC Time of Granule (CCSDS-A, Actual)"),
    "start_cycle": (np.int32(8), "1", "Ending Cycle"),
    "end_cycle": (np.int32(8), "1", "Ending Cycle"),
    "start_rgt": (np.int32(721), "1", "Start Reference Groundtrack"),
    "end_rgt": (np.int32(721), "1", "End Reference Groundtrack"),
    "start_orbit": (np.int32(9103), "1", "Start Orbit Number"),
    "end_orbit": (np.int32(9103), "1", "End Orbit Number"),
    "start_region": (np.int32(11), "1", "Start Region"),
    "end_region": (np.int32(11), "1", "End Region"),
    "start_delta_time": (np.float64(T0_S), "seconds since 2018-01-01",
                         "ATLAS Start Time (Actual)"),
    "end_delta_time": (np.float64(T0_S + 510.0), "seconds since "
                       "2018-01-01", "ATLAS End Time (Actual)"),
    "start_geoseg": (np.int32(1590000), "1", "Starting Geolocation Segment"),
    "end_geoseg": (np.int32(1740000), "1", "Ending Geolocation Segment"),
    "start_gpssow": (np.float64(226516.0), "seconds", "Start GPS SOW"),
    "end_gpssow": (np.float64(227026.0), "seconds", "End GPS SOW"),
    "start_gpsweek": (np.int32(2118), "weeks", "Start GPS Week"),
    "end_gpsweek": (np.int32(2118), "weeks", "End GPS Week"),
    "granule_start_utc": ("2020-08-11T14:34:58.000000Z", "1",
                          "Start UTC Time of Granule (CCSDS-A, Requested)"),
    "granule_end_utc": ("2020-08-11T14:43:28.000000Z", "1",
                        "End UTC Time of Granule (CCSDS-A, Requested)"),
    "qa_at_interval": (np.float64(10000.0), "1", "QA performed interval"),
    "release": ("006", "1", "Release Number"),
    "version": ("01", "1", "Version"),
    "control": ("PGE control file contents would be here " * 20, "1",
                "Control File"),
}

LAND_ICE_PARAMETERS = (
    "dt_hist", "fit_maxiter", "fpb_maxiter", "max_res_ids", "min_dist",
    "min_gain_th", "min_n_pe", "min_n_sel", "min_signal_conf", "n_hist",
    "n_sigmas", "nbin_min", "proc_interval", "qs_lim_bsc",
    "qs_lim_h_robust", "qs_lim_hrs", "qs_lim_msw", "qs_lim_sigma",
    "qs_lim_snr", "rbin_width", "sigma_beam", "sigma_tx", "t_dead",
    "txp_maxiter",
)


def write_small_dataset(group, name, value, units, long_name):
    """Write one tiny (scalar, 1- or 6-element) dataset with attributes."""
    if isinstance(value, str):
        dset = group.create_dataset(name, data=text(value))
    else:
        dset = group.create_dataset(name, data=np.atleast_1d(value))
    set_attrs(dset, {"units": units, "long_name": long_name,
                     "contentType": "auxiliaryInformation",
                     "description": long_name + " (ancillary value)",
                     "source": "Operations"})


def write_ancillary(root, rng):
    """Write ancillary_data/ and its land_ice/ parameter group."""
    anc = root.create_group("ancillary_data")
    set_attrs(anc, {"Description": "Contains information ancillary to "
                                   "the data product."})
    for name, (value, units, long_name) in ANCILLARY.items():
        write_small_dataset(anc, name, value, units, long_name)
    land_ice = anc.create_group("land_ice")
    set_attrs(land_ice, {"Description": "Contains the ancillary "
                                        "parameters of the land ice "
                                        "algorithm."})
    for name in LAND_ICE_PARAMETERS:
        value = np.round(rng.random(6) * 10.0, 3)
        write_small_dataset(land_ice, name, value, "1",
                            "Land ice parameter " + name)


METADATA_GROUPS = (
    "AcquisitionInformation/lidar", "AcquisitionInformation/lidarDocument",
    "AcquisitionInformation/platform",
    "AcquisitionInformation/platformDocument",
    "DataQuality/CompletenessOmission", "DataQuality/DomainConsistency",
    "DatasetIdentification", "Extent", "Lineage/ANC19", "Lineage/ANC25-06",
    "Lineage/ANC26-06", "Lineage/ANC28", "Lineage/ANC36-06",
    "Lineage/ANC38-06", "Lineage/ATL03", "Lineage/ATL09", "Lineage/Control",
    "ProcessStep/Browse", "ProcessStep/Metadata", "ProcessStep/PGE",
    "ProcessStep/QA", "ProductSpecificationDocument",
    "QADatasetIdentification", "SeriesIdentification",
)


def write_metadata(root):
    """Write METADATA/: groups holding only many small attributes."""
    meta = root.create_group("METADATA")
    set_attrs(meta, {"Description": "ISO19115 Structured Metadata "
                                    "Represented within HDF5"})
    for index, path in enumerate(METADATA_GROUPS):
        grp = meta.require_group(path)
        attrs = {
            "description": "Metadata for " + path,
            "fileName": "ATL06_20200811143458_07210811_006_01.h5",
            "identifier_product_type": "ATL06",
            "shortName": path.split("/")[-1],
            "version": "%03d" % (index + 1),
            "uuid": "a3%030x" % (index * 0x9e3779b1),
            "stepDateTime": "2023-03-24T05:%02d:00.000000Z" % index,
            "softwareVersion": "6.0.%d" % index,
            "runTimeParameters": "--atl03 --atl09 --anc " * 4,
            "documentation": "https://nsidc.org/data/atl06 " * 2,
        }
        set_attrs(grp, attrs)


def write_orbit_and_qa(root, rng):
    """Write orbit_info/ and quality_assessment/ small groups."""
    orbit = root.create_group("orbit_info")
    set_attrs(orbit, {"Description": "Contains orbit information."})
    for name, value in (("cycle_number", np.int8(8)),
                        ("rgt", np.int16(721)),
                        ("orbit_number", np.uint16(9103)),
                        ("sc_orient", np.int8(1)),
                        ("sc_orient_time", np.float64(T0_S)),
                        ("crossing_time", np.float64(T0_S - 900.0)),
                        ("lan", np.float64(141.2))):
        write_small_dataset(orbit, name, value, "1", name)
    polygon = np.round(-60.5 - rng.random(8) * 27.0, 4)
    write_small_dataset(orbit, "bounding_polygon_lat1", polygon,
                        "degrees_north", "Granule bounding polygon")
    qa = root.create_group("quality_assessment")
    set_attrs(qa, {"Description": "Contains quality assessment data."})
    write_small_dataset(qa, "qa_granule_pass_fail", np.int32(0), "1",
                        "Granule Pass Flag")
    write_small_dataset(qa, "qa_granule_fail_reason", np.int32(0), "1",
                        "Granule Fail Reason")
    for beam in BEAMS:
        grp = qa.create_group(beam)
        for name in ("qa_perc_signal_conf_ph_high",
                     "qa_perc_surf_type", "qa_perc_signal_conf_ph_low"):
            write_small_dataset(grp, name, np.round(rng.random(5), 3),
                                "percent", name)


def write_granule(path, args):
    """Write the whole granule to path; raises OSError on I/O failure."""
    rng = np.random.default_rng(SEED)
    # NOTE: libver 'earliest' (h5py's default) and no timestamps keep the
    # layout like the real product's and the bytes reproducible.
    with h5py.File(path, "w", libver="earliest", track_order=False) as f:
        set_attrs(f, {
            "short_name": "ATL06", "level": "L3A",
            "title": "SET_BY_PGE", "Conventions": "CF-1.6",
            "contributor_name": "synthetic, made by h5snoop "
                                "samples/make_granule.py",
            "description": "Synthetic granule shaped like ICESat-2 ATL06 "
                           "land ice height, for I/O experiments only.",
            "granule_type": "ATL06", "identifier_product_type": "ATL06",
            "segments_per_beam": np.int64(args.elements),
        })
        # RATIONALE: interleave small metadata groups with the beams so
        # metadata ends up scattered across the file, not in one block.
        write_ancillary(f, rng)
        for beam_index in range(len(BEAMS)):
            write_beam(f, rng, beam_index, args)
            if beam_index == 2:
                write_metadata(f)
        write_orbit_and_qa(f, rng)


def main(argv):
    """Parse argv, write the granule; return the exit status."""
    args = parse_args(argv)
    tmp = args.out + ".partial"
    try:
        write_granule(tmp, args)
        os.replace(tmp, args.out)
    except (OSError, ValueError) as exc:
        print("make_granule.py: error: failed to write %s: %s"
              % (args.out, exc), file=sys.stderr)
        if os.path.exists(tmp):
            os.unlink(tmp)
        return 1
    print("%s: %d segments per beam, %d bytes"
          % (args.out, args.elements, os.path.getsize(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
