/*
 * shim_export.h - marks the only symbols libh5snoop.so exports: the
 * functions it interposes.  Everything else is hidden
 * (-fvisibility=hidden), so the shim never interposes by accident.
 */
#ifndef H5SNOOP_SHIM_EXPORT_H
#define H5SNOOP_SHIM_EXPORT_H

#define H5SNOOP_EXPORT __attribute__((visibility("default")))

#endif
