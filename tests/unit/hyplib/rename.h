/* SPDX-License-Identifier: MIT */
/*
 * Forced into every host-compiled file of this suite (-include): gives the
 * hypervisor's string functions lm_ names, so the hypervisor code and the
 * tests call our implementations and libc keeps its own.
 */
#define memcpy lm_memcpy
#define memmove lm_memmove
#define memset lm_memset
#define memcmp lm_memcmp
#define strlen lm_strlen
#define strnlen lm_strnlen
#define strcmp lm_strcmp
#define strncmp lm_strncmp
#define strchr lm_strchr
#define snprintf lm_snprintf
#define vsnprintf lm_vsnprintf
