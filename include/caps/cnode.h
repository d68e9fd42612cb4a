/*
 * CNodes, and deleting and revoking capabilities.
 */
#ifndef CAPS_CNODE_H
#define CAPS_CNODE_H

#include "caps/cap.h"

/*
 * Delete the capability in `slot`. If it is its object's last capability
 * the object is destroyed; destroying a CNode or a thread deletes the
 * capabilities inside it, and so on, iteratively (the kernel stack does not
 * grow with the depth of nested CNodes).
 */
void cte_delete(struct cte *slot);

/* Delete every capability derived from the one in `slot`. */
void cte_revoke(struct cte *slot);

/*
 * A copy of the capability in `src` as copy, mint and the like make it: a
 * frame's copy is unmapped; an untyped, a paging structure or a control
 * capability cannot be copied.
 */
enum pith_error cap_derive(const struct cte *src, struct cap *out);

/* Apply a mint/mutate badge (endpoints, notifications) or guard (CNodes):
 * `data` as described in the ABI; 0 changes nothing. */
enum pith_error cap_set_data(struct cap *c, uint64_t data);

#endif
