// Debian's serial HDF5 (libhdf5-dev), opened with dlopen on first use rather than linked: linking it loaded
// libhdf5_serial with libcurl, libssl, libcrypto and Kerberos into every netviz process (+8 MiB peak memory and a
// few ms of start-up for `netviz summary mobilenet`, which never reads HDF5). The header gives the types; the
// functions are looked up by name into one table of pointers typed from their own declarations.
#include <hdf5/serial/hdf5.h>
#include <dlfcn.h>
#include <stddef.h>

// (field, symbol): the symbols are the versioned names the H5version.h macros (H5Gopen, H5Dopen, ...) stand for.
#define NETVIZ_HDF5_FUNCTIONS(X) \
    X(open, H5open) X(Eset_auto, H5Eset_auto2) X(Pcreate, H5Pcreate) X(Pclose, H5Pclose) \
    X(Pset_file_locking, H5Pset_file_locking) X(Fopen, H5Fopen) X(Fclose, H5Fclose) X(Lexists, H5Lexists) \
    X(Oexists_by_name, H5Oexists_by_name) X(Oget_info_by_name, H5Oget_info_by_name2) X(Gopen, H5Gopen2) \
    X(Gclose, H5Gclose) X(Gget_info, H5Gget_info) X(Lget_name_by_idx, H5Lget_name_by_idx) \
    X(Aexists_by_name, H5Aexists_by_name) X(Aopen_by_name, H5Aopen_by_name) X(Aclose, H5Aclose) \
    X(Aget_type, H5Aget_type) X(Aget_space, H5Aget_space) X(Aread, H5Aread) X(Tclose, H5Tclose) \
    X(Tcopy, H5Tcopy) X(Tget_class, H5Tget_class) X(Tis_variable_str, H5Tis_variable_str) \
    X(Tset_size, H5Tset_size) X(Tset_cset, H5Tset_cset) X(Tget_cset, H5Tget_cset) X(Tget_size, H5Tget_size) \
    X(Tset_strpad, H5Tset_strpad) X(free_memory, H5free_memory) X(Sclose, H5Sclose) \
    X(Sget_simple_extent_npoints, H5Sget_simple_extent_npoints) \
    X(Sget_simple_extent_ndims, H5Sget_simple_extent_ndims) X(Sget_simple_extent_dims, H5Sget_simple_extent_dims) \
    X(Dopen, H5Dopen2) X(Dclose, H5Dclose) X(Dget_type, H5Dget_type) X(Dget_space, H5Dget_space) X(Dread, H5Dread)

/// The HDF5 functions netviz calls, and the library globals its macros read (H5P_FILE_ACCESS, H5T_NATIVE_FLOAT,
/// H5T_C_S1), read once after H5open.
typedef struct netviz_hdf5 {
#define NETVIZ_HDF5_FIELD(field, symbol) __typeof__(&symbol) _Nonnull field;
    NETVIZ_HDF5_FUNCTIONS(NETVIZ_HDF5_FIELD)
#undef NETVIZ_HDF5_FIELD
    hid_t file_access;
    hid_t native_float;
    hid_t c_s1;
} netviz_hdf5;

/// The table, loaded on the first call; NULL when the library or one of its symbols is missing. Not thread-safe:
/// the Swift side calls it under its HDF5 lock.
static inline const netviz_hdf5 *_Nullable netviz_hdf5_load(void) {
    static netviz_hdf5 table;
    static int state = 0;  // 0 not tried, 1 loaded, -1 failed
    if (state != 0) return state == 1 ? &table : NULL;
    state = -1;
    // The 1.10 ABI the header describes (Debian's libhdf5-103), then the -dev package's unversioned link.
    const char *names[] = {"libhdf5_serial.so.103", "libhdf5_serial.so"};
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++)
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return NULL;
#define NETVIZ_HDF5_LOOKUP(field, symbol) \
    if ((*(void **)&table.field = dlsym(library, #symbol)) == NULL) return NULL;
    NETVIZ_HDF5_FUNCTIONS(NETVIZ_HDF5_LOOKUP)
#undef NETVIZ_HDF5_LOOKUP
    if (table.open() < 0) return NULL;
    const hid_t *file_access = dlsym(library, "H5P_CLS_FILE_ACCESS_ID_g");
    const hid_t *native_float = dlsym(library, "H5T_NATIVE_FLOAT_g");
    const hid_t *c_s1 = dlsym(library, "H5T_C_S1_g");
    if (file_access == NULL || native_float == NULL || c_s1 == NULL) return NULL;
    table.file_access = *file_access;
    table.native_float = *native_float;
    table.c_s1 = *c_s1;
    state = 1;
    return &table;
}

// Constants of the HDF5 1.10 API that are plain values behind their macros.
static inline hid_t netviz_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t netviz_h5s_all(void) { return H5S_ALL; }
static inline hid_t netviz_h5e_default(void) { return H5E_DEFAULT; }
static inline unsigned netviz_h5f_acc_rdonly(void) { return 0x0000u; /* H5F_ACC_RDONLY, whose macro calls H5open */ }
static inline size_t netviz_h5t_variable(void) { return H5T_VARIABLE; }
