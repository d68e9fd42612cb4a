/*
 * The host model's stand-in for the kernel's arch/enter_user.h: leaving
 * the kernel is the model's arch_return_to_user() (machine.c).
 */
#ifndef ARCH_ENTER_USER_H
#define ARCH_ENTER_USER_H

#include "caps/tcb.h"

#define arch_enter_user	    arch_return_to_user
#define arch_resume_user(t) arch_return_to_user((t), 0)

#endif
